/**
 * Demo product catalog for the configurator (pure data). The editor lists products and options from here;
 * validity and price rules live in `packs/configurator.default.json`.
 *
 * @example
 * ```ts
 * products.find((p) => p.id === 'crm-suite')?.options.map((o) => o.id); // ['cloud', 'on-prem', …]
 * ```
 */
export interface ProductOption {
  id: string;
  label: string;
  /** Monthly price per seat, in EUR. */
  pricePerSeat: number;
  group?: 'deployment' | 'addon' | 'support';
}

export interface Product {
  id: string;
  label: string;
  /** Monthly base price per seat, in EUR. */
  pricePerSeat: number;
  minQuantity: number;
  maxQuantity: number;
  contractMonths: readonly number[];
  options: readonly ProductOption[];
}

export const products: readonly Product[] = [
  {
    id: 'crm-suite',
    label: 'CRM Suite',
    pricePerSeat: 39,
    minQuantity: 1,
    maxQuantity: 5000,
    contractMonths: [12, 24, 36],
    options: [
      { id: 'cloud', label: 'Cloud hosting', pricePerSeat: 0, group: 'deployment' },
      { id: 'on-prem', label: 'On-premises', pricePerSeat: 0, group: 'deployment' },
      { id: 'sso', label: 'Single sign-on', pricePerSeat: 4, group: 'addon' },
      { id: 'analytics', label: 'Analytics', pricePerSeat: 9, group: 'addon' },
      { id: 'support-premium', label: 'Premium support', pricePerSeat: 6, group: 'support' },
    ],
  },
];
