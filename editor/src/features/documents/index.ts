// The documents feature's public surface: account, lead and offer pages show a Documents card.
export { DocumentsCard } from './components/DocumentsCard';
export type { DocumentOwner } from './api/documents';
