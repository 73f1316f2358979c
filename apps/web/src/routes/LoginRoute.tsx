import { Alert, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { IconAlertCircle, IconShieldLock } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { ApiRequestError } from "../api/client";
import { authApi } from "../api/endpoints";
import { AuthShell } from "../components/AuthShell";
import { useSession, useSetSession } from "../features/auth/session";
import { switchLanguage } from "../i18n/use-ui-language";

/** Only same-site paths may be a redirect target after sign-in. */
export function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** Sign-in: email and password, then a TOTP code when the account has 2FA on. */
export function LoginRoute() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const session = useSession();
  const setSession = useSetSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [needsTotp, setNeedsTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const login = useMutation({
    mutationFn: authApi.login,
    meta: { silent: true },
    onSuccess: async (payload) => {
      setSession(payload);
      if (payload.user.language) await switchLanguage(payload.user.language);
      navigate(safeNext(params.get("next")), { replace: true });
    },
    onError: (failure) => {
      if (failure instanceof ApiRequestError && failure.code === "totp_required") {
        setNeedsTotp(true);
        setError(null);
        return;
      }
      setError(failure instanceof ApiRequestError && failure.message ? failure.message : t("errors.generic"));
    },
  });

  if (session.data) return <Navigate to={safeNext(params.get("next"))} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    login.mutate(needsTotp ? { email, password, totp: totp.trim() } : { email, password });
  };

  return (
    <AuthShell
      title={needsTotp ? t("login.totpTitle") : t("login.title")}
      subtitle={needsTotp ? t("login.totpHint") : t("login.subtitle")}
    >
      <form onSubmit={submit} data-testid="login-form" noValidate>
        <Stack gap="md">
          {error ? (
            <Alert color="red" icon={<IconAlertCircle size={18} />} data-testid="login-error">
              {error}
            </Alert>
          ) : null}
          {needsTotp ? (
            <TextInput
              label={t("login.totp")}
              placeholder="123456"
              value={totp}
              onChange={(e) => setTotp(e.currentTarget.value)}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={10}
              leftSection={<IconShieldLock size={16} />}
              data-testid="login-totp"
              autoFocus
              required
            />
          ) : (
            <>
              <TextInput
                label={t("login.email")}
                type="email"
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                autoComplete="username"
                dir="ltr"
                data-testid="login-email"
                autoFocus
                required
              />
              <PasswordInput
                label={t("login.password")}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                autoComplete="current-password"
                data-testid="login-password"
                required
              />
            </>
          )}
          <Button type="submit" size="md" loading={login.isPending} data-testid="login-submit" fullWidth>
            {needsTotp ? t("login.verify") : t("login.submit")}
          </Button>
          {needsTotp ? (
            <Button
              variant="subtle"
              color="gray"
              onClick={() => {
                setNeedsTotp(false);
                setTotp("");
                setError(null);
              }}
            >
              {t("login.back")}
            </Button>
          ) : null}
        </Stack>
      </form>
    </AuthShell>
  );
}
