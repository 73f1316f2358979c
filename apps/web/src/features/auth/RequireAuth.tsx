import { Center, Loader } from "@mantine/core";
import { type ReactNode, useEffect } from "react";
import { Navigate, Outlet, useLocation } from "react-router";
import { asLanguage, i18next } from "../../i18n/i18n";
import { switchLanguage } from "../../i18n/use-ui-language";
import { isAdmin, useMe, useSession } from "./session";

/** Shows its children to a signed-in user; everyone else goes to the sign-in page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const location = useLocation();
  const session = useSession();
  const saved = session.data?.user.language ?? null;

  // The profile's language wins over the browser's once we know who is signed in.
  useEffect(() => {
    if (saved && asLanguage(i18next.language) !== saved) void switchLanguage(saved);
  }, [saved]);

  if (session.isPending) {
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  }
  if (!session.data) {
    const next = `${location.pathname}${location.search}`;
    const target = next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
    return <Navigate to={target} replace />;
  }
  return children;
}

/** Admin pages; others see "not allowed". */
export function RequireAdmin() {
  const me = useMe();
  if (!isAdmin(me)) return <Navigate to="/inbox/mine" replace />;
  return <Outlet />;
}
