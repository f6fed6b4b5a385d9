// The Confluent Cloud API's constants the settings table needs, apart from the client so that
// reading the settings (--help, --version) loads no client code (as metrics/types.ts does for
// the Metrics API).

export const DEFAULT_CLOUD_API_URL = "https://api.confluent.cloud";

/** Owner ids the API takes for a key: a user or a service account. */
export const PRINCIPAL_ID_PATTERN = /^(u|sa)-[A-Za-z0-9]+$/;
