/** Order status colours and the moves the API allows (api/routes/orders.ts orderTransitions). */
export const orderStatusColor: Record<string, string> = { confirmed: 'blue', fulfilled: 'green', cancelled: 'red' };
export const orderStatusLabel: Record<string, string> = { confirmed: 'Confirmed', fulfilled: 'Fulfilled', cancelled: 'Cancelled' };
export const orderMoves: Record<string, { to: 'confirmed' | 'fulfilled' | 'cancelled'; label: string }[]> = {
  confirmed: [{ to: 'fulfilled', label: 'Mark fulfilled' }, { to: 'cancelled', label: 'Cancel order' }],
  fulfilled: [{ to: 'confirmed', label: 'Reopen' }],
  cancelled: [{ to: 'confirmed', label: 'Reopen' }],
};
