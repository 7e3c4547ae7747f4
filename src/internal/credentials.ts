// Registry credentials as `USER:PASSWORD` (the --creds flags, WHITTLE_REGISTRY_CREDS, and docker's
// config.json `auth`), apart from the registry client so that parsing a flag loads no network code.

export interface Credentials {
  username: string;
  password: string;
}

/** parseCreds splits `user:password` at its first colon; without a colon the password is empty. */
export function parseCreds(value: string): Credentials {
  const i = value.indexOf(':');
  return i < 0 ? { username: value, password: '' } : { username: value.slice(0, i), password: value.slice(i + 1) };
}
