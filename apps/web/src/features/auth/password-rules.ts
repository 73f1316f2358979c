/** The shortest password the app accepts for a new password. */
export const MIN_PASSWORD_LENGTH = 8;
