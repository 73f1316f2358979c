import { useEffect } from "react";

/** Sets the browser tab title to "<page> · Khidma". */
export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Khidma · خدمة` : "Khidma · خدمة";
  }, [title]);
}
