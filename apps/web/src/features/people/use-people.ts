import type { Team, UserSummary } from "@khidma/contracts";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { peopleApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";

/** Every user of the account (for assignment, mentions and names). */
export function useUsers() {
  return useQuery({
    queryKey: queryKeys.users,
    queryFn: async () => (await peopleApi.users()).items,
    staleTime: 60_000,
  });
}

/** Users who can still work: the ones offered for assignment and mentions. */
export function useActiveUsers(): UserSummary[] {
  const { data } = useUsers();
  return useMemo(() => (data ?? []).filter((user) => !user.disabled), [data]);
}

/** Every team of the account. */
export function useTeams() {
  return useQuery({
    queryKey: queryKeys.teams,
    queryFn: async () => (await peopleApi.teams()).items,
    staleTime: 60_000,
  });
}

/** Users by id, for showing assignee names. */
export function useUserMap(): Map<number, UserSummary> {
  const { data } = useUsers();
  return useMemo(() => new Map((data ?? []).map((user) => [user.id, user])), [data]);
}

/** Teams by id. */
export function useTeamMap(): Map<number, Team> {
  const { data } = useTeams();
  return useMemo(() => new Map((data ?? []).map((team) => [team.id, team])), [data]);
}
