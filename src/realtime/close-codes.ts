/** The close codes of the real-time contract (4000–4999 are for applications, RFC 6455 §7.4.2). */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_BAD_MESSAGE = 4400;
export const CLOSE_IDLE = 4408;
export const CLOSE_TOO_MANY = 4429;
/** RFC 6455 §7.4.1: the server is going away (shutting down). */
export const CLOSE_GOING_AWAY = 1001;
/** RFC 6455 §7.4.1: the server could not do what the message asked (the database is down, say). */
export const CLOSE_INTERNAL_ERROR = 1011;

/** Largest message a client may send; ws refuses a longer one before reading it (close 1009). */
export const MAX_MESSAGE_BYTES = 4096;
