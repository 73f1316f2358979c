import { createBrowserRouter, Navigate } from "react-router";
import { AppLayout } from "../components/AppLayout";
import { RequireAdmin, RequireAuth } from "../features/auth/RequireAuth";
import { AdminAuditRoute } from "./AdminAuditRoute";
import { AdminInboxesRoute } from "./AdminInboxesRoute";
import { AdminRoutingRoute } from "./AdminRoutingRoute";
import { AdminTeamsRoute } from "./AdminTeamsRoute";
import { AdminTokensRoute } from "./AdminTokensRoute";
import { AdminUsersRoute } from "./AdminUsersRoute";
import { AdminWidgetsRoute } from "./AdminWidgetsRoute";
import { ContactRoute } from "./ContactRoute";
import { ConversationRoute } from "./ConversationRoute";
import { InboxRoute } from "./InboxRoute";
import { InviteRoute } from "./InviteRoute";
import { LoginRoute } from "./LoginRoute";
import { NotFoundRoute } from "./NotFoundRoute";
import { SearchRoute } from "./SearchRoute";
import { SettingsRoute } from "./SettingsRoute";

/** Every page of the app. Pages behind RequireAuth need a session; admin pages need admin or owner. */
export const router = createBrowserRouter([
  { path: "/login", element: <LoginRoute /> },
  { path: "/invite/:token", element: <InviteRoute /> },
  {
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/inbox/mine" replace /> },
      { path: "inbox", element: <Navigate to="/inbox/mine" replace /> },
      { path: "inbox/:view", element: <InboxRoute /> },
      { path: "conversations/:id", element: <ConversationRoute /> },
      { path: "contacts/:id", element: <ContactRoute /> },
      { path: "search", element: <SearchRoute /> },
      { path: "settings", element: <SettingsRoute /> },
      {
        path: "admin",
        element: <RequireAdmin />,
        children: [
          { index: true, element: <Navigate to="/admin/users" replace /> },
          { path: "users", element: <AdminUsersRoute /> },
          { path: "teams", element: <AdminTeamsRoute /> },
          { path: "routing", element: <AdminRoutingRoute /> },
          { path: "inboxes", element: <AdminInboxesRoute /> },
          { path: "tokens", element: <AdminTokensRoute /> },
          { path: "widgets", element: <AdminWidgetsRoute /> },
          { path: "audit", element: <AdminAuditRoute /> },
        ],
      },
      { path: "*", element: <NotFoundRoute /> },
    ],
  },
]);
