// Package delinea reads what Delinea Secret Server holds for the Azure Key Vault
// integration: the credential secret (the app registration's tenant, client and client
// secret) and the secret synced to Key Vault. It speaks only the documented part of
// Secret Server's REST API:
//
//   - POST {base}/oauth2/token, the password grant, with an optional one-time code in
//     the "otp" header and an optional domain; grant_type=refresh_token to refresh;
//   - Delinea Platform: POST {platform}/identity/api/oauth2/token/xpmplatform (client
//     credentials, scope xpmheadless), then GET {platform}/vaultbroker/api/vaults for
//     the Secret Server URL, which takes the same bearer token;
//   - GET {base}/api/v1/secrets/{id}, GET {base}/api/v1/secrets?filter.searchText=…,
//     GET {base}/api/v1/secret-templates/{id}, GET {base}/api/v1/secret-templates?filter.searchText=…;
//   - GET {base}/api/v1/healthcheck.
//
// It never writes to Secret Server, never calls the External Vault routes (they are not
// documented, so a route guessed today could do something else tomorrow), and never
// opens a restricted secret (comment, checkout, double lock): that is reported as a
// RestrictedError, the decision left to a person.
//
// Nothing here prints or logs. The password, the tokens and secret values live in
// memory only: values are held as Value, whose String, GoString, Format and
// MarshalJSON never show the text; errors carry codes and clipped server messages,
// scrubbed of the password and tokens.
//
// Why not Delinea's Go SDK (tss-sdk-go): it changes http.DefaultTransport's TLS
// settings for the whole process (the Azure clients share that transport), caches
// tokens in the process environment (inherited by every child process), logs with the
// standard log package, and its calls take no context, so they can be neither bounded
// nor cancelled. The few documented calls a check needs fit in this small client.
package delinea
