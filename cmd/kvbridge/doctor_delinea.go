package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kvbridge/kvbridge/internal/tty"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/delinea"
)

// delineaFlags say what doctor reads from Delinea Secret Server. The password is never
// a flag: it comes from $DELINEA_PASSWORD, --delinea-password-stdin or a hidden prompt.
type delineaFlags struct {
	url, username, domain string
	credential, mapped    string
	passwordStdin         bool
	credRef, mappedRef    delinea.Ref
}

const delineaNotes = `Delinea: with --delinea-url, doctor signs in to Secret Server (password grant; a one-time
code is asked for on the terminal when the account needs one) and reads, without ever
showing a value: --credential-secret, whose Tenant ID, Client ID and Client Secret the
Azure checks then use as Delinea holds them (--tenant, --client-id or a client secret
given as well are compared, not used); --mapped-secret, whose password and username
mapping.value and mapping.tag compare by SHA-256. kvbridge never writes to Delinea.
The password comes from $DELINEA_PASSWORD, --delinea-password-stdin or a hidden prompt.
With --sandbox, both secrets are read from the practice Secret Server unless credentials
are typed.`

func (d *delineaFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&d.url, "delinea-url", "", "Secret Server's base `URL` (https://…/SecretServer, https://TENANT.secretservercloud.com, or a https://TENANT.delinea.app Platform URL)")
	fl.StringVar(&d.username, "delinea-username", "", "the Secret Server user (`NAME`) kvbridge signs in as; on Platform, a service user's client ID")
	fl.StringVar(&d.domain, "delinea-domain", "", "the Active Directory domain (`NAME`) of that user; none for a local account")
	fl.StringVar(&d.credential, "credential-secret", "", "the Delinea credential secret (Azure App Registration template) by `ID|NAME`")
	fl.StringVar(&d.mapped, "mapped-secret", "", "the Delinea secret synced to --secret-name, by `ID|NAME`")
	fl.BoolVar(&d.passwordStdin, "delinea-password-stdin", false, "read the Delinea password from standard input (otherwise $DELINEA_PASSWORD, or a hidden prompt)")
}

// check validates the Delinea flags as typed; practice says --sandbox was given.
func (d *delineaFlags) check(f *doctorFlags, practice bool) error {
	var err error
	if d.credential != "" {
		if d.credRef, err = delinea.ParseRef(d.credential); err != nil {
			return usagef("doctor: --credential-secret %q: %v", d.credential, err)
		}
	}
	if d.mapped != "" {
		if d.mappedRef, err = delinea.ParseRef(d.mapped); err != nil {
			return usagef("doctor: --mapped-secret %q: %v", d.mapped, err)
		}
		if f.secretName == "" && !practice {
			return usagef("doctor: --mapped-secret needs --secret-name, the name the secret has in Key Vault (Delinea's External Vault settings are not in its documented API, so kvbridge does not read them)")
		}
	}
	if practice {
		if d.url != "" || d.username != "" || d.domain != "" || d.passwordStdin {
			return usagef("doctor: --sandbox has its own practice Secret Server; it takes --credential-secret and --mapped-secret but not --delinea-url, --delinea-username, --delinea-domain or --delinea-password-stdin")
		}
		return nil
	}
	if d.url == "" {
		if d.credential != "" || d.mapped != "" || d.username != "" || d.domain != "" || d.passwordStdin {
			return usagef("doctor: the Delinea options need --delinea-url, Secret Server's https URL")
		}
		return nil
	}
	if _, err := delinea.CheckURL(d.url); err != nil {
		return usagef("doctor: --delinea-url: %v", err)
	}
	if strings.TrimSpace(d.username) == "" {
		return usagef("doctor: --delinea-url needs --delinea-username, the Secret Server user to sign in as")
	}
	if d.passwordStdin && f.secretStdin {
		return usagef("doctor: --delinea-password-stdin and --client-secret-stdin cannot both read standard input; put the client secret in $AZURE_CLIENT_SECRET")
	}
	return nil
}

// used reports whether doctor reads from Delinea.
func (d *delineaFlags) used(practice bool) bool { return d.url != "" || practice }

// typedCredentials reports whether the user typed any Azure credential.
func typedCredentials(f doctorFlags) bool {
	return f.idsGiven || f.secretStdin
}

// delineaSource builds the client and the secrets to read. With the practice tenant,
// its Secret Server and handed-out user are used; the credential secret is read unless
// credentials were typed (then those are what is checked), the mapped secret when the
// secret name is the practice one.
func delineaSource(f doctorFlags, std stdio, getenv func(string) string, practice *sandbox.Tenant, extraCA []byte, cfg *azure.Config) (*azure.DelineaSource, error) {
	d := f.delinea
	dc := delinea.Config{URL: d.url, Username: d.username, Domain: d.domain, ExtraCAPEM: extraCA, Timeout: f.timeout, OTP: otpPrompt(std)}
	src := &azure.DelineaSource{CredentialSecret: d.credRef, MappedSecret: d.mappedRef}
	if practice != nil {
		in := practice.Info()
		if in.DelineaURL == "" {
			return nil, nil
		}
		dc.URL, dc.Username, dc.Password, dc.HTTPClient, dc.ExtraCAPEM = in.DelineaURL, in.DelineaUsername, in.DelineaPassword, practice.HTTPClient(), nil
		if src.CredentialSecret.Zero() && !typedCredentials(f) {
			src.CredentialSecret = delinea.Ref{ID: in.CredentialSecretID}
		}
		if src.MappedSecret.Zero() && strings.EqualFold(cfg.SecretName, in.SecretName) {
			src.MappedSecret = delinea.Ref{ID: in.MappedSecretID}
		}
	} else {
		pw, err := readDelineaPassword(d, std, getenv)
		if err != nil {
			return nil, err
		}
		dc.Password = pw
	}
	c, err := delinea.New(dc)
	if err != nil {
		return nil, usagef("doctor: %v", strings.TrimPrefix(err.Error(), "delinea: configure: usage: "))
	}
	src.Client = c
	return src, nil
}

// readDelineaPassword takes the password from --delinea-password-stdin, DELINEA_PASSWORD
// or a hidden prompt on a terminal; without any of them it is a usage error.
func readDelineaPassword(d delineaFlags, std stdio, getenv func(string) string) (string, error) {
	if d.passwordStdin {
		b, err := readAllLimited(std.in, 64<<10)
		if err != nil {
			return "", fmt.Errorf("doctor: reading the Delinea password from stdin: %w", err)
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
		if s == "" {
			return "", usagef("doctor: --delinea-password-stdin: standard input was empty")
		}
		return s, nil
	}
	if s := getenv("DELINEA_PASSWORD"); s != "" {
		return s, nil
	}
	if file, ok := std.in.(*os.File); ok && tty.IsTerminal(file) {
		fmt.Fprintf(std.err, "Delinea password for %s (input hidden): ", d.username)
		b, err := tty.ReadHidden(context.Background(), file)
		fmt.Fprintln(std.err)
		if err != nil {
			return "", fmt.Errorf("doctor: reading the Delinea password: %w", err)
		}
		return string(b), nil
	}
	return "", usagef("doctor: no Delinea password: set DELINEA_PASSWORD, or pipe it with --delinea-password-stdin")
}

// otpPrompt asks for a one-time code on the terminal when Secret Server wants one; with
// no terminal it says so, and delinea.auth reports one-time-code-needed.
func otpPrompt(std stdio) func(ctx context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		file, ok := std.in.(*os.File)
		if !ok || !tty.IsTerminal(file) {
			return "", errors.New("the account needs a one-time code and there is no terminal to type it")
		}
		fmt.Fprint(std.err, "Secret Server asks for a one-time code (input hidden): ")
		b, err := tty.ReadHidden(ctx, file)
		fmt.Fprintln(std.err)
		return strings.TrimSpace(string(b)), err
	}
}
