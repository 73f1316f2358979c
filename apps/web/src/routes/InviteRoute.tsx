import { Alert, Button, Center, Loader, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { ApiRequestError } from "../api/client";
import { peopleApi } from "../api/endpoints";
import { AuthShell } from "../components/AuthShell";
import { MIN_PASSWORD_LENGTH } from "../features/auth/password-rules";
import { useSetSession } from "../features/auth/session";
import { isolate } from "../i18n/format";
import { switchLanguage } from "../i18n/use-ui-language";

/** Accepting an invitation: choose a name and password, then land signed in. */
export function InviteRoute() {
  const { t } = useTranslation();
  const { token = "" } = useParams();
  const navigate = useNavigate();
  const setSession = useSetSession();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);

  const lookup = useQuery({
    queryKey: ["invitation", token],
    queryFn: () => peopleApi.lookupInvitation(token),
    retry: false,
    meta: { silent: true },
  });

  const accept = useMutation({
    mutationFn: peopleApi.acceptInvitation,
    meta: { silent: true },
    onSuccess: async (payload) => {
      setSession(payload);
      if (payload.user.language) await switchLanguage(payload.user.language);
      navigate("/inbox/mine", { replace: true });
    },
    onError: (failure) =>
      setError(failure instanceof ApiRequestError && failure.message ? failure.message : t("errors.generic")),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password.length < MIN_PASSWORD_LENGTH) {
      setError(t("settings.passwordTooShort", { count: MIN_PASSWORD_LENGTH }));
      return;
    }
    setError(null);
    accept.mutate({ token, name: name.trim(), password });
  };

  if (lookup.isPending) {
    return (
      <AuthShell title={t("invite.title")}>
        <Center py="xl">
          <Loader />
        </Center>
      </AuthShell>
    );
  }

  if (lookup.isError) {
    const message =
      lookup.error instanceof ApiRequestError && lookup.error.message
        ? lookup.error.message
        : t("invite.invalid");
    return (
      <AuthShell title={t("invite.title")}>
        <Stack>
          <Alert color="red" icon={<IconAlertCircle size={18} />} data-testid="invite-invalid">
            {message}
          </Alert>
          <Button component={Link} to="/login" variant="light">
            {t("invite.goToLogin")}
          </Button>
        </Stack>
      </AuthShell>
    );
  }

  const invitation = lookup.data;
  return (
    <AuthShell
      title={t("invite.joinAccount", { account: isolate(invitation.accountName) })}
      subtitle={t("invite.subtitle", {
        email: isolate(invitation.email),
        role: t(`roles.${invitation.role}`),
      })}
    >
      <form onSubmit={submit} data-testid="invite-form" noValidate>
        <Stack gap="md">
          {error ? (
            <Alert color="red" icon={<IconAlertCircle size={18} />}>
              {error}
            </Alert>
          ) : null}
          <TextInput label={t("login.email")} value={invitation.email} readOnly dir="ltr" />
          <TextInput
            label={t("invite.name")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            autoComplete="name"
            data-testid="invite-name"
            required
            autoFocus
          />
          <PasswordInput
            label={t("invite.password")}
            description={t("settings.passwordRule", { count: MIN_PASSWORD_LENGTH })}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
            data-testid="invite-password"
            required
          />
          <Button
            type="submit"
            size="md"
            loading={accept.isPending}
            disabled={!name.trim()}
            data-testid="invite-submit"
          >
            {t("invite.submit")}
          </Button>
          <Text fz="xs" c="dimmed" ta="center">
            {t("invite.terms")}
          </Text>
        </Stack>
      </form>
    </AuthShell>
  );
}
