import type { UserSummary } from "@khidma/contracts";
import { Group, Stack, Text, UnstyledButton } from "@mantine/core";
import { UserAvatar } from "../../components/UserAvatar";

/** Folds case and Arabic letter forms so "ahm" finds "Ahmad" and "احمد" finds "أحمد". */
export function foldForMatch(value: string): string {
  return value
    .toLowerCase()
    .replace(/[\u064B-\u0652\u0640]/g, "")
    .replace(/[أإآ]/g, "ا")
    .replace(/ى/g, "ي")
    .replace(/ة/g, "ه");
}

/** Agents whose name or email starts a word with the query. */
export function matchAgents(users: UserSummary[], query: string, limit = 6): UserSummary[] {
  const q = foldForMatch(query);
  return users
    .filter((user) => {
      if (!q) return true;
      const words = foldForMatch(`${user.name} ${user.email}`).split(/[\s@._-]+/);
      return words.some((word) => word.startsWith(q)) || foldForMatch(user.name).includes(q);
    })
    .slice(0, limit);
}

/** The list under "@": pick with the mouse, or with arrows and Enter in the composer. */
export function MentionSuggestions({
  candidates,
  highlighted,
  onPick,
  onHover,
}: {
  candidates: UserSummary[];
  highlighted: number;
  onPick: (user: UserSummary) => void;
  onHover: (index: number) => void;
}) {
  return (
    <Stack gap={2} role="listbox" data-testid="mention-suggestions">
      {candidates.map((user, index) => (
        <UnstyledButton
          key={user.id}
          role="option"
          aria-selected={index === highlighted}
          data-testid="mention-option"
          // Keep the caret in the textarea.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => onPick(user)}
          onMouseEnter={() => onHover(index)}
          px="sm"
          py={6}
          style={{
            borderRadius: "var(--mantine-radius-sm)",
            background: index === highlighted ? "var(--mantine-color-brand-0)" : undefined,
          }}
        >
          <Group gap="sm" wrap="nowrap">
            <UserAvatar name={user.name} size={26} />
            <div style={{ minWidth: 0 }}>
              <Text fz="sm" fw={600} truncate>
                {user.name}
              </Text>
              <Text fz="xs" c="dimmed" truncate>
                {user.email}
              </Text>
            </div>
          </Group>
        </UnstyledButton>
      ))}
    </Stack>
  );
}
