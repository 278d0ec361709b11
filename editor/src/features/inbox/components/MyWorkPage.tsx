export function MyWorkPage() {
  return <div>MyWorkPage</div>;
}
