import { useMediaQuery } from "@mantine/hooks";

/** True below Mantine's "xs" breakpoint (576px): phone layout. */
export function useIsPhone(): boolean {
  return useMediaQuery("(max-width: 35.99em)", false, { getInitialValueInEffect: false }) ?? false;
}
