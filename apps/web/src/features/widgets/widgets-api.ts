import type { Widget, WidgetSettings, WidgetWithSecret } from "@khidma/contracts";
import { api } from "../../api/client";

/** The admin API of live-chat widgets. */
export const widgetsApi = {
  list: () => api.get<{ items: Widget[] }>("/widgets"),
  create: (name: string) => api.post<WidgetWithSecret>("/widgets", { name }),
  update: (id: number, settings: Partial<WidgetSettings>) => api.patch<Widget>(`/widgets/${id}`, settings),
  regenerate: (id: number) => api.post<WidgetWithSecret>(`/widgets/${id}/identity-secret`),
  remove: (id: number) => api.del(`/widgets/${id}`),
};

/** Query key of the widget list. */
export const widgetsKey = ["widgets"] as const;
