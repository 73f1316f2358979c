import { DirectionProvider, MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { RouterProvider } from "react-router";
import { ApiRequestError, onUnauthorized } from "./api/client";
import { queryKeys } from "./api/query-keys";
import { notifyError } from "./components/notify";
import { router } from "./routes/router";
import { theme } from "./theme";

/** Per-query options read by the global error handler. */
interface ErrorMeta {
  /** The screen shows the error itself. */
  silent?: boolean;
}

function shouldNotify(error: unknown, meta: ErrorMeta | undefined): boolean {
  if (meta?.silent) return false;
  // A lost session sends the user to sign in; a missing page shows its own state.
  if (error instanceof ApiRequestError && (error.status === 401 || error.status === 404)) return false;
  return true;
}

function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (shouldNotify(error, query.meta as ErrorMeta | undefined)) notifyError(error);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        const meta = mutation.meta as ErrorMeta | undefined;
        if (!meta?.silent && !(error instanceof ApiRequestError && error.status === 401)) notifyError(error);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: true,
        retry: (count, error) => !(error instanceof ApiRequestError && error.status < 500) && count < 2,
      },
    },
  });
}

/** The whole app: theme, direction, notifications, data cache and routes. */
export function App({ initialDirection }: { initialDirection: "rtl" | "ltr" }) {
  const [queryClient] = useState(createQueryClient);

  useEffect(() => {
    onUnauthorized(() => queryClient.setQueryData(queryKeys.session, null));
    return () => onUnauthorized(null);
  }, [queryClient]);

  return (
    <DirectionProvider initialDirection={initialDirection} detectDirection>
      <MantineProvider theme={theme} defaultColorScheme="light">
        <Notifications position="top-center" zIndex={1000} />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </DirectionProvider>
  );
}
