import { notifications } from "@mantine/notifications";
import { ApiRequestError } from "../api/client";
import { i18next } from "../i18n/i18n";

/** Shows an error; API errors carry the server's message, already in the UI language. */
export function notifyError(error: unknown): void {
  let message = i18next.t("errors.generic");
  if (error instanceof ApiRequestError) {
    if (error.code === "network") message = i18next.t("errors.network");
    else if (error.message) message = error.message;
  }
  notifications.show({ color: "red", title: i18next.t("errors.title"), message, autoClose: 6000 });
}

/** Shows a short confirmation. */
export function notifySuccess(message: string): void {
  notifications.show({ color: "brand", message, autoClose: 3000 });
}
