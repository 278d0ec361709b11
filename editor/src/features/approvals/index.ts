// The approvals feature's public surface: the inbox shows the discount approvals waiting.
export { ApprovalsCard } from './components/ApprovalsCard';
