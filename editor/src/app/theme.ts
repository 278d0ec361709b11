import { createTheme } from '@mantine/core';

/** One look for every screen: the designer, rules and live screens use the same colours through CSS variables. */
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily: "Inter, 'Segoe UI', system-ui, -apple-system, Roboto, Helvetica, Arial, sans-serif",
  headings: { fontWeight: '650' },
  components: {
    Table: { defaultProps: { verticalSpacing: 'xs', highlightOnHover: true } },
    Tooltip: { defaultProps: { withArrow: true, openDelay: 150 } },
    Button: { defaultProps: { radius: 'md' } },
  },
});
