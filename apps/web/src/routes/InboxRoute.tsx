import { CONVERSATION_STATUSES, type ConversationStatus } from "@khidma/contracts";
import { useTranslation } from "react-i18next";
import { Navigate, useParams, useSearchParams } from "react-router";
import type { InboxView } from "../api/endpoints";
import { usePageTitle } from "../components/use-page-title";
import { InboxList } from "../features/inbox/InboxList";

const VIEWS: readonly InboxView[] = ["mine", "unassigned", "all"];

/** /inbox/:view?status=… — the conversation list. */
export function InboxRoute() {
  const { t } = useTranslation();
  const { view } = useParams();
  const [params, setParams] = useSearchParams();
  const raw = params.get("status");
  const status = CONVERSATION_STATUSES.find((s) => s === raw);
  const known = VIEWS.find((v) => v === view);
  usePageTitle(known ? t(`inbox.views.${known}`) : undefined);

  if (!known) return <Navigate to="/inbox/mine" replace />;
  return (
    <InboxList
      view={known}
      status={status}
      onStatusChange={(next: ConversationStatus | undefined) =>
        setParams(next ? { status: next } : {}, { replace: true })
      }
    />
  );
}
