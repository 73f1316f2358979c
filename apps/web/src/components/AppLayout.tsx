import { AppShell } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useEffect, useRef } from "react";
import { Outlet, useLocation, useNavigate } from "react-router";
import { ShortcutsHelp } from "../features/shortcuts/ShortcutsHelp";
import { useShortcuts } from "../features/shortcuts/use-shortcuts";
import { LiveProvider } from "../realtime/LiveProvider";
import { AppHeader } from "./AppHeader";
import { AppNavbar } from "./AppNavbar";

/** The signed-in frame: header, sidebar (a burger menu on phones) and the page. */
export function AppLayout() {
  const [navOpened, nav] = useDisclosure(false);
  const [helpOpened, help] = useDisclosure(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const location = useLocation();
  const navigate = useNavigate();

  // Following a link on a phone closes the menu.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation only
  useEffect(() => {
    nav.close();
  }, [location.pathname, location.search]);

  useShortcuts({
    "/": () => {
      const input = searchRef.current;
      if (input && input.offsetParent !== null) input.focus();
      else navigate("/search");
    },
    "?": help.open,
  });

  return (
    <LiveProvider>
      <AppShell
        header={{ height: 60 }}
        navbar={{ width: 264, breakpoint: "sm", collapsed: { mobile: !navOpened } }}
        padding={0}
      >
        <AppShell.Header>
          <AppHeader navOpened={navOpened} onToggleNav={nav.toggle} searchRef={searchRef} />
        </AppShell.Header>
        <AppShell.Navbar>
          <AppNavbar onShowShortcuts={help.open} />
        </AppShell.Navbar>
        <AppShell.Main>
          <Outlet />
        </AppShell.Main>
        <ShortcutsHelp opened={helpOpened} onClose={help.close} />
      </AppShell>
    </LiveProvider>
  );
}
