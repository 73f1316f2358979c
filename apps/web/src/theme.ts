import { createTheme, type MantineColorsTuple } from "@mantine/core";

// A deep teal: calm, readable on white, and distinct from the status colours.
const brand: MantineColorsTuple = [
  "#e6fbf7",
  "#d2f2ec",
  "#a7e3d8",
  "#78d3c3",
  "#52c6b1",
  "#39bea6",
  "#28ba9f",
  "#16a38a",
  "#00917a",
  "#007e69",
];

/** System fonts that render both Arabic and Latin well; nothing is downloaded. */
export const FONT_STACK =
  '"Segoe UI", "Noto Sans", "Noto Sans Arabic", Tahoma, -apple-system, BlinkMacSystemFont, Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif';

/** The Mantine theme of the agent app. */
export const theme = createTheme({
  primaryColor: "brand",
  primaryShade: { light: 8, dark: 6 },
  colors: { brand },
  fontFamily: FONT_STACK,
  headings: { fontFamily: FONT_STACK, fontWeight: "650" },
  defaultRadius: "md",
  cursorType: "pointer",
  components: {
    Badge: { defaultProps: { radius: "sm" } },
    Tooltip: { defaultProps: { withArrow: true, openDelay: 300 } },
  },
});
