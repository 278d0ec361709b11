export function AccountsPage() {
  return <div>AccountsPage</div>;
}
