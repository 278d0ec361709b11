export function LeadFinderPage() {
  return <div className="page">Leads</div>;
}
