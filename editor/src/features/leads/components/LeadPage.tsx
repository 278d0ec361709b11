export function LeadPage() {
  return <div className="page">Lead</div>;
}
