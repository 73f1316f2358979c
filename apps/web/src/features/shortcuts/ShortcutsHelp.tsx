import { Group, Kbd, Modal, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

const SHORTCUTS = [
  { keys: ["j", "k"], label: "shortcuts.move" },
  { keys: ["Enter", "o"], label: "shortcuts.open" },
  { keys: ["x"], label: "shortcuts.select" },
  { keys: ["r"], label: "shortcuts.reply" },
  { keys: ["n"], label: "shortcuts.note" },
  { keys: ["e"], label: "shortcuts.solve" },
  { keys: ["Ctrl", "Enter"], label: "shortcuts.send" },
  { keys: ["/"], label: "shortcuts.search" },
  { keys: ["?"], label: "shortcuts.help" },
] as const;

/** The list of keyboard shortcuts, opened with "?". */
export function ShortcutsHelp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t("shortcuts.title")} centered>
      <Stack gap="sm" data-testid="shortcuts-help">
        <Text fz="sm" c="dimmed">
          {t("shortcuts.hint")}
        </Text>
        <Table verticalSpacing={6}>
          <Table.Tbody>
            {SHORTCUTS.map((row) => (
              <Table.Tr key={row.label}>
                <Table.Td w={140}>
                  <Group gap={4} wrap="nowrap">
                    {row.keys.map((key) => (
                      <Kbd key={key} className="shortcut">
                        {key}
                      </Kbd>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{t(row.label)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Modal>
  );
}
