package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/kvbridge/kvbridge/steps/shell"
)

// ServeInfo is the first line `kvbridge sandbox serve --json` prints.
type ServeInfo struct {
	Scenario       string   `json:"scenario"`
	AuthorityHost  string   `json:"authority_host"`
	ARMEndpoint    string   `json:"arm_endpoint"`
	ARMAudience    string   `json:"arm_audience"`
	VaultURLs      []string `json:"vault_urls"`
	GraphEndpoint  string   `json:"graph_endpoint"`
	TenantID       string   `json:"tenant_id"`
	TenantDomain   string   `json:"tenant_domain,omitempty"`
	ClientID       string   `json:"client_id"`
	ClientSecret   string   `json:"client_secret"`
	ClientSecretID string   `json:"client_secret_id"`
	SubscriptionID string   `json:"subscription_id"`
	ResourceGroup  string   `json:"resource_group"`
	VaultName      string   `json:"vault_name"`
	VaultID        string   `json:"vault_id"`
	CAFile         string   `json:"ca_file"`
	// The practice Secret Server: URL, the handed-out user and password, and the IDs of
	// the credential secret and of the secret synced to Prod-VM-Admin-Pass.
	DelineaURL         string `json:"delinea_url"`
	DelineaUsername    string `json:"delinea_username"`
	DelineaPassword    string `json:"delinea_password"`
	CredentialSecretID int    `json:"credential_secret_id"`
	MappedSecretID     int    `json:"mapped_secret_id"`
	AdminURL           string `json:"admin_url"`
	AdminKey           string `json:"admin_key"`
	AnswerKeyFile      string `json:"answer_key_file,omitempty"`
	// HTTPSProxy tunnels Microsoft's host names to the tenant, for clients (the Azure
	// CLI, MSAL for Python) that ask login.microsoftonline.com to validate any other
	// authority: HTTPS_PROXY=this, NO_PROXY unset.
	HTTPSProxy string `json:"https_proxy"`

	otpUser, otpPassword, otp string // the text output's second Delinea user
}

// Serve runs `kvbridge sandbox serve`: a practice tenant in Loopback wiring until ctx is
// cancelled. opts.Wiring is forced to Loopback, since outside clients cannot use
// HTTPClient's dialer.
func Serve(ctx context.Context, opts Options, stdout io.Writer, jsonOut bool) error {
	opts.Wiring = Loopback
	t, err := Start(opts)
	if err != nil {
		return err
	}
	return ServeTenant(ctx, t, stdout, jsonOut)
}

// ServeTenant announces an already started tenant (from Start or Load, in Loopback
// wiring), serves it until ctx is cancelled, then closes it. The CA certificate and,
// for mystery, the answer key are written to a private temporary directory that is
// removed on return.
func ServeTenant(ctx context.Context, t *Tenant, stdout io.Writer, jsonOut bool) error {
	defer t.Close()
	if t.opts.Wiring != Loopback {
		return fmt.Errorf("sandbox: serve needs the loopback wiring")
	}
	removeStaleServeDirs(os.TempDir())
	// The process ID in the name lets a later serve tell a folder of a process
	// that died without cleaning up (SIGKILL, a power cut) from a live one.
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", serveDirPrefix, os.Getpid()))
	if err != nil {
		return fmt.Errorf("sandbox: making a directory for the CA file: %w", err)
	}
	defer os.RemoveAll(dir)
	proxy, err := t.StartProxy()
	if err != nil {
		return err
	}
	info := t.Info()
	si := ServeInfo{HTTPSProxy: proxy,
		Scenario: info.Scenario, AuthorityHost: info.AuthorityHost, ARMEndpoint: info.ARMEndpoint, ARMAudience: info.ARMAudience,
		VaultURLs: info.VaultURLs, GraphEndpoint: info.GraphEndpoint, TenantID: info.TenantID, TenantDomain: info.TenantDomain, ClientID: info.ClientID,
		ClientSecret: info.ClientSecret, ClientSecretID: info.ClientSecretID, SubscriptionID: info.SubscriptionID,
		ResourceGroup: info.ResourceGroup, VaultName: info.VaultName, VaultID: info.VaultID,
		CAFile: filepath.Join(dir, "ca.pem"), AdminURL: info.AdminURL, AdminKey: info.AdminKey,
		DelineaURL: info.DelineaURL, DelineaUsername: info.DelineaUsername, DelineaPassword: info.DelineaPassword,
		CredentialSecretID: info.CredentialSecretID, MappedSecretID: info.MappedSecretID,
		otpUser: info.DelineaOTPUsername, otpPassword: info.DelineaOTPPassword, otp: info.DelineaOTP,
	}
	if err := os.WriteFile(si.CAFile, info.CAPEM, 0o644); err != nil {
		return fmt.Errorf("sandbox: writing the CA file: %w", err)
	}
	if info.Scenario == "mystery" && t.AnswerKey().Scenario != "mystery" { // a loaded mystery has no key
		key, _ := json.MarshalIndent(t.AnswerKey(), "", "  ")
		si.AnswerKeyFile = filepath.Join(dir, "answer-key.json")
		if err := os.WriteFile(si.AnswerKeyFile, append(key, '\n'), 0o600); err != nil {
			return fmt.Errorf("sandbox: writing the answer key: %w", err)
		}
	}
	if jsonOut {
		line, _ := json.Marshal(si)
		if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
			return err
		}
	} else if err := writeServeText(stdout, si); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

func writeServeText(w io.Writer, si ServeInfo) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "kvbridge practice tenant, scenario %q (loopback only)\n\n", si.Scenario)
	rows := [][2]string{
		{"Authority host", si.AuthorityHost}, {"ARM endpoint", si.ARMEndpoint}, {"ARM audience", si.ARMAudience},
	}
	for _, u := range si.VaultURLs {
		rows = append(rows, [2]string{"Vault URL", u})
	}
	rows = append(rows, [2]string{"Graph endpoint", si.GraphEndpoint + "  (token scope https://graph.microsoft.com/.default)"})
	rows = append(rows,
		[2]string{"Tenant ID", si.TenantID}, [2]string{"Client ID", si.ClientID},
		[2]string{"Client secret", si.ClientSecret}, [2]string{"Client secret ID", si.ClientSecretID},
		[2]string{"Subscription", si.SubscriptionID}, [2]string{"Resource group", si.ResourceGroup},
		[2]string{"Vault", si.VaultName}, [2]string{"Vault ID", si.VaultID}, [2]string{"CA file", si.CAFile},
	)
	if si.DelineaURL != "" {
		rows = append(rows, [2]string{"Secret Server", si.DelineaURL},
			[2]string{"Delinea user", si.DelineaUsername}, [2]string{"Delinea password", si.DelineaPassword},
			[2]string{"Credential secret", fmt.Sprintf("%d", si.CredentialSecretID)}, [2]string{"Mapped secret", fmt.Sprintf("%d", si.MappedSecretID)})
		if si.otpUser != "" {
			rows = append(rows, [2]string{"Delinea user with a one-time code", si.otpUser + "  (password " + si.otpPassword + ", code " + si.otp + ")"})
		}
	}
	rows = append(rows,
		[2]string{"Admin API", si.AdminURL + "  (header X-Sandbox-Admin-Key: " + si.AdminKey + ")"},
		[2]string{"HTTPS proxy", si.HTTPSProxy + "  (HTTPS_PROXY for the Azure CLI and Python SDK)"},
	)
	if si.AnswerKeyFile != "" {
		rows = append(rows, [2]string{"Answer key", si.AnswerKeyFile + "  (for the trainer)"})
	}
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\t%s\n", r[0], r[1])
	}
	fmt.Fprintf(tw, "\nThe credentials are practice values, valid only here. Clients must trust the CA file\n")
	fmt.Fprintf(tw, "(for example SSL_CERT_FILE on Linux, or --ca-file) and use the endpoints above.\n")
	if err := tw.Flush(); err != nil {
		return err
	}
	// The command a trainee runs, ready to copy: the vault by resource ID, so the
	// permission checks run even when the app cannot list the vault.
	// Every value is quoted for a POSIX shell (steps/shell): a TMPDIR with a
	// space, or a quote in a trainer's secret, must not break the paste.
	q := shell.Quote
	fmt.Fprintf(w, "\nDiagnose it from another terminal:\n  %s kvbridge doctor \\\n", shell.Assign("AZURE_CLIENT_SECRET", si.ClientSecret))
	fmt.Fprintf(w, "    --tenant %s --client-id %s \\\n", q(si.TenantID), q(si.ClientID))
	fmt.Fprintf(w, "    --authority-host %s --arm-endpoint %s \\\n", q(si.AuthorityHost), q(si.ARMEndpoint))
	fmt.Fprintf(w, "    --graph-endpoint %s --ca-file %s \\\n", q(si.GraphEndpoint), q(si.CAFile))
	fmt.Fprintf(w, "    --vault %s \\\n", q(si.VaultID))
	fmt.Fprintf(w, "    --vault-url %s --secret-name Prod-VM-Admin-Pass\n", q(si.VaultURLs[0]))
	if si.DelineaURL != "" {
		// The same without typed credentials: the checks use what the practice Secret
		// Server holds (the credential secret's values, the mapped secret's password).
		fmt.Fprintf(w, "Or with the values Delinea holds, read from the practice Secret Server:\n  %s kvbridge doctor \\\n", shell.Assign("DELINEA_PASSWORD", si.DelineaPassword))
		fmt.Fprintf(w, "    --authority-host %s --arm-endpoint %s \\\n", q(si.AuthorityHost), q(si.ARMEndpoint))
		fmt.Fprintf(w, "    --graph-endpoint %s --ca-file %s \\\n", q(si.GraphEndpoint), q(si.CAFile))
		fmt.Fprintf(w, "    --vault %s \\\n", q(si.VaultID))
		fmt.Fprintf(w, "    --vault-url %s --secret-name Prod-VM-Admin-Pass \\\n", q(si.VaultURLs[0]))
		fmt.Fprintf(w, "    --delinea-url %s --delinea-username %s \\\n", q(si.DelineaURL), q(si.DelineaUsername))
		fmt.Fprintf(w, "    --credential-secret %d --mapped-secret %d\n", si.CredentialSecretID, si.MappedSecretID)
	}
	_, err := fmt.Fprintf(w, "Serving until interrupted.\n")
	return err
}

// serveDirPrefix names serve's temporary folders: kvbridge-sandbox-PID-RANDOM.
const serveDirPrefix = "kvbridge-sandbox-"

// removeStaleServeDirs removes the folders (CA, answer key) that serve
// processes left behind when they were killed: those whose process is gone.
// A folder of a live process, one without a process ID in its name, or
// anything that is not a plain directory of this user is left alone.
func removeStaleServeDirs(tmp string) {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), serveDirPrefix)
		if !ok || e.Type()&fs.ModeType != fs.ModeDir {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		p := filepath.Join(tmp, e.Name())
		if info, err := os.Lstat(p); err == nil && info.IsDir() && ownedByMe(info) {
			_ = os.RemoveAll(p)
		}
	}
}
