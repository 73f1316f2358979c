import { Center, Loader, Paper } from "@mantine/core";
import { IconUserQuestion } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { conversationsApi } from "../api/endpoints";
import { queryKeys } from "../api/query-keys";
import { EmptyState } from "../components/EmptyState";
import { Page } from "../components/Page";
import { ContactPanel } from "../features/contacts/ContactPanel";

/** /contacts/:id — a customer and all their conversations. */
export function ContactRoute() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const contact = useQuery({
    queryKey: queryKeys.contact(id),
    queryFn: () => conversationsApi.contact(id),
    enabled: Number.isInteger(id),
  });

  if (contact.isError || !Number.isInteger(id)) {
    return <EmptyState icon={IconUserQuestion} title={t("contact.notFound")} />;
  }
  if (!contact.data) {
    return (
      <Center h="50vh">
        <Loader />
      </Center>
    );
  }
  return (
    <Page title={contact.data.name} description={t("contact.title")} maxWidth={720}>
      <Paper withBorder radius="lg" p="lg">
        <ContactPanel contact={contact.data} />
      </Paper>
    </Page>
  );
}
