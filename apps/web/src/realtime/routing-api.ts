import { api, apiRequest } from "../api/client";
import type { Presence } from "./LiveProvider";

/** The account's automatic-assignment settings. */
export interface RoutingSettings {
  autoAssign: boolean;
  defaultCapacity: number;
}

/** One agent's capacity, load and presence. */
export interface AgentRouting {
  userId: number;
  name: string;
  capacity: number | null;
  effectiveCapacity: number;
  open: number;
  presence: Presence;
}

/** Cache keys of the routing page. */
export const routingKeys = {
  settings: ["routing", "settings"] as const,
  agents: ["routing", "agents"] as const,
};

/** The routing endpoints. */
export const routingApi = {
  settings: () => api.get<RoutingSettings>("/routing/settings"),
  updateSettings: (body: Partial<RoutingSettings>) => api.patch<RoutingSettings>("/routing/settings", body),
  agents: () => api.get<{ items: AgentRouting[] }>("/routing/agents"),
  setCapacity: (userId: number, capacity: number | null) =>
    apiRequest<AgentRouting>("PUT", `/routing/agents/${userId}`, { capacity }),
};
