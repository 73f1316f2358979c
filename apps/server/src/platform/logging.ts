import pino, { type DestinationStream, type Logger } from "pino";

// Session cookies (ks_), API tokens (kh_) and invitation links (ki_) all look
// like <prefix>_<account>_<secret>. Invitation tokens travel in URLs
// (/invite/<token>, /api/v1/invitations/lookup/<token>), so request logs would
// otherwise keep working links.
const TOKEN_IN_TEXT = /\b(k[hsi])_(\d{1,15})_[A-Za-z0-9_-]{8,}/g;

/** Text with every token's secret part replaced, for logs. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_IN_TEXT, "$1_$2_[redacted]");
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** The process logger: pino, with request URLs logged without the secrets some of them carry. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      serializers: {
        // The fields of Fastify's own request serializer, with the URL redacted.
        req: (req: LoggedRequest) => ({
          method: req.method,
          url: redactTokens(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
    },
    destination,
  );
}
