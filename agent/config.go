package agent

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ife-mx/vigia/alerts"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/policy/calendar"
	"github.com/ife-mx/vigia/policy/response"
	"github.com/ife-mx/vigia/policy/watch"
)

// Defaults applied by ParseConfig when the configuration leaves a setting out.
const (
	DefaultListen                = "127.0.0.1:9464"
	DefaultLogLevel              = "info"
	DefaultLogFormat             = "text"
	DefaultInstituteName         = "Instituto Federal Electoral"
	DefaultInstituteDomain       = "ife.org.mx"
	DefaultPollInterval          = 5 * time.Minute
	DefaultPollTimeout           = 60 * time.Second
	DefaultJitter                = 0.1
	DefaultConcurrencyPerNetwork = 2
	DefaultMaxBackoff            = 30 * time.Minute
)

// Limits ParseConfig enforces.
const (
	// MinPollInterval is the shortest poll interval an account may have.
	MinPollInterval = 10 * time.Second
	// MaxJitter is the largest jitter, as a fraction of the poll interval.
	MaxJitter = 0.5
	// maxIDLen bounds organ and account ids, which become metric label values.
	maxIDLen = 64
	// maxSecretSize bounds a credential file.
	maxSecretSize = 64 << 10
	// maxNodes bounds the work of walking one document: aliases and merge keys can
	// multiply a small file into an exponential walk.
	maxNodes = 1 << 18
)

// credentialsDirEnv is the variable systemd sets for LoadCredential= (systemd.exec(5)).
const credentialsDirEnv = "CREDENTIALS_DIRECTORY"

// LookupEnv reads an environment variable; os.LookupEnv in production, a map in tests.
// ParseConfig reads every variable through it, $CREDENTIALS_DIRECTORY included.
type LookupEnv func(key string) (string, bool)

// ConfigError is one problem in a configuration file. Line is 1-based and zero when
// the problem concerns the whole file; Key is the path of the offending key in the
// YAML ("organs[0].accounts[1].poll_interval"), empty when it concerns the document.
type ConfigError struct {
	File string
	Line int
	Key  string
	Msg  string
}

// Error formats the problem as "file:line: key: message".
func (e ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ConfigErrors is every problem found in a configuration, in line order. ParseConfig,
// LoadConfig, Validate and the decoders from NetworkDecoder return it as their error.
type ConfigErrors []ConfigError

// Error prints one line per problem.
func (es ConfigErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sort orders the problems by line, keeping the order of discovery within a line.
func (es ConfigErrors) sort() {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Line < es[j].Line })
}

// Config is the agent's configuration file, with defaults applied, values validated
// and secrets resolved. Build it with LoadConfig or ParseConfig; the yaml tags
// document the file's keys.
type Config struct {
	// Path is the file the configuration was read from (the name given to ParseConfig).
	Path string `yaml:"-"`
	// Database is the SQLite archive's path, made relative to the configuration file's
	// directory when written as a relative path. Required.
	Database string `yaml:"database"`
	// Listen is the HTTP address for /metrics, /healthz and /readyz.
	Listen    string          `yaml:"listen"`
	Log       LogConfig       `yaml:"log"`
	Institute Institute       `yaml:"institute"`
	Defaults  PollDefaults    `yaml:"defaults"`
	Scheduler SchedulerConfig `yaml:"scheduler"`
	// Networks holds each network's connector section undecoded; the network's factory
	// decodes it through NetworkDecoder.
	Networks map[string]yaml.Node `yaml:"networks,omitempty"`
	// Organs are the órganos responsables and, inside them, the accounts.
	Organs []Organ `yaml:"organs"`
	// Watch are the watch lists (3.ix): phrases, such as false claims about voting,
	// that flag every comment or mention by others that contains one.
	Watch []WatchList `yaml:"watch,omitempty"`
	// Alerts is the alerts section (config_alerts.go); nil when absent: no alerts.
	Alerts *alerts.Config `yaml:"alerts,omitempty"`
	// Governance tunes the account-health checks (takeover signals, abandonment).
	Governance Governance `yaml:"governance"`

	rootLine     int
	networkLines map[string]int // line of each networks.<name> key
}

// WatchList is a named list of phrases to watch for in comments and mentions by
// others (Criterio 3.ix: clarify misinformation about the institute). A phrase
// matches whole words, ignoring case and accents (see policy/watch); a comment
// that contains one gets a flag with rule "watch" and the list's name as category.
type WatchList struct {
	// Name identifies the list: lowercase letters, digits, "_" and "-"; unique.
	Name string `yaml:"name"`
	// Phrases are the list's phrases; at least one, none empty.
	Phrases []string `yaml:"phrases"`
	// Severity is info, warning (the default) or urgent.
	Severity string `yaml:"severity"`
	// Line is where the list starts in the configuration file.
	Line int `yaml:"-"`
}

// The severities of a watch list.
const (
	WatchInfo    = "info"
	WatchWarning = "warning"
	WatchUrgent  = "urgent"
)

// LogConfig selects the logger cmd/vigia builds.
type LogConfig struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is text or json.
	Format string `yaml:"format"`
}

// SlogLevel returns Level as a slog.Level.
func (l LogConfig) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Institute names the institution whose accounts are watched; reports and the
// registry checks of the Criterios use it.
type Institute struct {
	Name string `yaml:"name"`
	// Domain is the institute's e-mail and web domain (4.vii of the Criterios).
	Domain string `yaml:"domain"`
	// XSuffix is the suffix every handle on X carries (7.v); "ife" by default.
	XSuffix string `yaml:"x_suffix"`
}

// PollDefaults are the polling settings every account takes unless it overrides them.
type PollDefaults struct {
	PollInterval time.Duration `yaml:"poll_interval"`
	PollTimeout  time.Duration `yaml:"poll_timeout"`
	// Jitter is the fraction of the interval added or removed at random, 0 to 0.5.
	Jitter float64 `yaml:"jitter"`
}

// SchedulerConfig bounds the work the scheduler does at once.
type SchedulerConfig struct {
	// ConcurrencyPerNetwork is how many polls may run at once on one network.
	ConcurrencyPerNetwork int `yaml:"concurrency_per_network"`
	// MaxBackoff caps the delay after consecutive failures of one account.
	MaxBackoff time.Duration `yaml:"max_backoff"`
}

// Organ is an órgano responsable: the unit that owns some accounts, its head (the
// titular del órgano) and the two administrators the Criterios require (5.1).
type Organ struct {
	// ID is the organ's key: lowercase letters, digits, "_" and "-"; unique.
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Head is the titular del órgano, to whom alerts escalate.
	Head   Person `yaml:"head"`
	Admins Admins `yaml:"admins"`
	// AttentionPublished is where the organ publishes its accounts' attention hours
	// (5.1): a URL or a short description.
	AttentionPublished string `yaml:"attention_published,omitempty"`
	// Attention is the organ's published attention calendar (5.1), the default of its
	// accounts; calendar.DefaultConfig when absent.
	Attention calendar.Config `yaml:"attention"`
	// Response is the organ's response policy (intents that need an answer, SLA
	// thresholds in business time, canned-reply check), the default of its accounts.
	Response response.Config `yaml:"response"`
	// Accounts are the organ's institutional accounts, in file order.
	Accounts []AccountConfig `yaml:"accounts"`
	// Line is where the organ starts in the configuration file.
	Line int `yaml:"-"`
}

// Admins are the organ's administrador titular and administrador suplente.
type Admins struct {
	// Titular is the administrador titular (mando medio o superior).
	Titular Person `yaml:"titular"`
	// Suplente is the administrador suplente (mando medio u operativo).
	Suplente Person `yaml:"suplente"`
}

// Person is someone the Criterios name: an administrator or the titular del órgano.
// It is comparable, so a reload can tell whether the administrators changed.
type Person struct {
	Name     string `yaml:"name"`
	Email    string `yaml:"email"`
	Position string `yaml:"position,omitempty"`
	// Level is mando_superior, mando_medio or operativo (5.1); empty when not given.
	Level string `yaml:"level,omitempty"`
}

// AccountStatus is where an account is in its lifecycle (7.vii of the Criterios).
type AccountStatus string

// The account statuses. Every account is in Config.Accounts whatever its status;
// the scheduler decides which statuses it polls. A cancelled account's archive is
// kept, and ParseConfig does not resolve its credentials.
const (
	StatusActive    AccountStatus = "active"
	StatusSuspended AccountStatus = "suspended"
	StatusCancelled AccountStatus = "cancelled"
)

// CredentialRef says where a secret comes from: exactly one of Env (an environment
// variable's name) or File (a file; a relative name is looked up in
// $CREDENTIALS_DIRECTORY when systemd sets it, else next to the configuration file).
type CredentialRef struct {
	Env  string `yaml:"env,omitempty"`
	File string `yaml:"file,omitempty"`
}

// AccountConfig is one account as configured, with the defaults applied.
type AccountConfig struct {
	// ID is the account's key: lowercase letters, digits, "_" and "-"; unique across organs.
	ID string `yaml:"id"`
	// Organ is the owning organ's ID (set from the enclosing organ, not read from YAML).
	Organ      string `yaml:"-"`
	Network    string `yaml:"network"`
	Handle     string `yaml:"handle"`
	ExternalID string `yaml:"external_id,omitempty"`
	URL        string `yaml:"url,omitempty"`
	// PollInterval, PollTimeout and Jitter are the effective values: the account's
	// own, else the defaults section's.
	PollInterval time.Duration `yaml:"poll_interval"`
	PollTimeout  time.Duration `yaml:"poll_timeout"`
	Jitter       float64       `yaml:"jitter"`
	Status       AccountStatus `yaml:"status"`
	// Attention and Response are the effective attention calendar and response
	// policy: the account's own sections, else its organ's.
	Attention calendar.Config `yaml:"attention"`
	Response  response.Config `yaml:"response"`
	// Credentials says where each secret comes from, by the name the network's
	// connector gives it ("token", "app_password").
	Credentials map[string]CredentialRef `yaml:"credentials,omitempty"`
	// Secrets are the resolved Credentials; nil for a cancelled account.
	Secrets map[string]connectors.Secret `yaml:"-"`
	// Options are free per-account settings for the network's connector.
	Options map[string]string `yaml:"options,omitempty"`
	// Line is where the account starts in the configuration file.
	Line int `yaml:"-"`
	// Registry is what 7.iii asks to record about the account, its expected
	// cadence and its announced profile (see config_governance.go).
	AccountRegistry `yaml:",inline"`

	networkLine int
}

// Account returns what the account's connector is given.
func (a AccountConfig) Account() connectors.Account {
	acct := connectors.Account{
		ID:         a.ID,
		Network:    a.Network,
		Handle:     a.Handle,
		ExternalID: a.ExternalID,
		Organ:      a.Organ,
	}
	if a.Secrets != nil {
		acct.Credentials = make(map[string]connectors.Secret, len(a.Secrets))
		for k, v := range a.Secrets {
			acct.Credentials[k] = v
		}
	}
	if a.Options != nil {
		acct.Options = make(map[string]string, len(a.Options))
		for k, v := range a.Options {
			acct.Options[k] = v
		}
	}
	return acct
}

// AccountConfigs returns every account of every organ, whatever its status, in file order.
func (c *Config) AccountConfigs() []AccountConfig {
	var out []AccountConfig
	for _, o := range c.Organs {
		out = append(out, o.Accounts...)
	}
	return out
}

// Accounts returns every account of every organ as connectors see it, whatever its
// status, in file order; AccountConfigs carries the status and the polling settings.
// The maps are copies: a caller may change them.
func (c *Config) Accounts() []connectors.Account {
	var out []connectors.Account
	for _, o := range c.Organs {
		for _, a := range o.Accounts {
			out = append(out, a.Account())
		}
	}
	return out
}

// Organ returns the organ with the given ID.
func (c *Config) Organ(id string) (Organ, bool) {
	for _, o := range c.Organs {
		if o.ID == id {
			return o, true
		}
	}
	return Organ{}, false
}

// LoadConfig reads and parses the configuration file at path (see ParseConfig).
func LoadConfig(path string, env LookupEnv) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, ConfigErrors{{File: path, Msg: "no se pudo leer el archivo de configuración: " + describeFileError(err)}}
	}
	return ParseConfig(data, path, env)
}

// LoadConfigWithoutSecrets reads the configuration like LoadConfig but resolves no
// secret (Secrets stay nil): for commands that only read the archive (verify,
// reports, exports), which must work where the tokens are not available.
func LoadConfigWithoutSecrets(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, ConfigErrors{{File: path, Msg: "no se pudo leer el archivo de configuración: " + describeFileError(err)}}
	}
	return parseConfig(data, path, nil, true)
}

// ParseConfig parses a configuration file's contents. filename names the file in
// errors, and its directory anchors relative paths (the database and credential
// files). Environment variables, $CREDENTIALS_DIRECTORY included, are read through
// env; a nil env reads none. Parsing is strict: unknown keys, wrong types, bad values
// and unresolvable secrets are all reported, each with its line and key path, as
// ConfigErrors. It makes no network calls; Validate checks the network sections.
func ParseConfig(data []byte, filename string, env LookupEnv) (*Config, error) {
	return parseConfig(data, filename, env, false)
}

func parseConfig(data []byte, filename string, env LookupEnv, skipSecrets bool) (*Config, error) {
	if env == nil {
		env = func(string) (string, bool) { return "", false }
	}
	d := &decoder{file: filename, dir: filepath.Dir(filename), env: env, skipSecrets: skipSecrets}
	root := d.parse(data)
	var c *Config
	if root != nil {
		c = d.config(root)
	}
	if len(d.errs) > 0 {
		d.errs.sort()
		return nil, d.errs
	}
	c.Path = filename
	return c, nil
}

// Validate checks what ParseConfig cannot without knowing the connectors: that every
// account's network and every networks section is registered in reg, and that each
// network's factory accepts its section. Factories are called with a decoder built by
// NetworkDecoder and with Deps whose HTTP client refuses every request and whose
// logger discards; building a connector must not touch the network. reg must not be
// nil. It returns ConfigErrors or nil.
func (c *Config) Validate(reg *connectors.Registry) error {
	var errs ConfigErrors
	known := strings.Join(reg.Networks(), ", ")
	used := map[string]int{} // network → line of its first use
	for i, o := range c.Organs {
		for j, a := range o.Accounts {
			if _, ok := reg.Lookup(a.Network); !ok {
				errs = append(errs, ConfigError{
					File: c.Path, Line: a.networkLine,
					Key: fmt.Sprintf("organs[%d].accounts[%d].network", i, j),
					Msg: fmt.Sprintf("red desconocida %q (redes disponibles: %s)", a.Network, known),
				})
				continue
			}
			if _, seen := used[a.Network]; !seen {
				used[a.Network] = a.networkLine
			}
		}
	}
	for name, line := range c.networkLines {
		if _, ok := reg.Lookup(name); !ok {
			errs = append(errs, ConfigError{
				File: c.Path, Line: line, Key: "networks." + name,
				Msg: fmt.Sprintf("red desconocida %q (redes disponibles: %s)", name, known),
			})
			continue
		}
		if _, seen := used[name]; !seen {
			used[name] = line
		}
	}
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	deps := connectors.Deps{
		HTTP:   connectors.NewHTTPClient(connectors.HTTPOptions{RetryMax: -1, Transport: noNetwork{}}),
		Logger: slog.New(slog.DiscardHandler),
		Now:    time.Now,
	}
	for _, name := range names {
		f, _ := reg.Lookup(name)
		var decodeErr error
		decode := func(v any) error {
			err := c.NetworkDecoder(name)(v)
			if err != nil && decodeErr == nil {
				decodeErr = err
			}
			return err
		}
		_, err := callFactory(f, decode, deps)
		var ces ConfigErrors
		switch {
		case errors.As(decodeErr, &ces):
			errs = append(errs, ces...)
		case decodeErr != nil:
			errs = append(errs, ConfigError{File: c.Path, Line: used[name], Key: "networks." + name, Msg: decodeErr.Error()})
		case err != nil:
			line := used[name]
			if l, ok := c.networkLines[name]; ok {
				line = l
			}
			errs = append(errs, ConfigError{
				File: c.Path, Line: line, Key: "networks." + name,
				Msg: fmt.Sprintf("el conector de %s rechazó la configuración: %v", name, err),
			})
		}
	}
	if len(errs) > 0 {
		errs.sort()
		return errs
	}
	return nil
}

// noNetwork is the transport of the HTTP client Validate hands factories: building a
// connector must not touch the network.
type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("agent: validate: no network calls while validating the configuration")
}

// callFactory runs f, turning a panic into an error so a bad section cannot stop a reload.
func callFactory(f connectors.Factory, decode func(v any) error, deps connectors.Deps) (conn connectors.Connector, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f(decode, deps)
}

// NetworkDecoder returns the decode function a network's factory is given: it fills v
// (a pointer to the network's configuration struct) from the networks.<network>
// section, strictly: unknown keys and wrong types are ConfigErrors naming line and
// key. It honours the struct's UnmarshalYAML (where connectors apply defaults and
// validate) and leaves v untouched when the section is absent or empty.
func (c *Config) NetworkDecoder(network string) func(v any) error {
	return func(v any) error {
		n, ok := c.Networks[network]
		if !ok || isNull(&n) {
			return nil
		}
		return decodeStrict(c.Path, &n, "networks."+network, v)
	}
}

// ---- strict decoding of connector sections -------------------------------------

var (
	nodeType        = reflect.TypeFor[yaml.Node]()
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	typeErrorRe     = regexp.MustCompile("^line ([0-9]+): (.*)$")
	cannotRe        = regexp.MustCompile("^cannot unmarshal (\\S+)( `.*`)? into (.+)$")
)

// decodeStrict decodes n into v with yaml.v3, after checking n's keys against v's
// type (yaml.Node.Decode has no KnownFields switch), and maps every problem to a
// ConfigError with a line and key path.
func decodeStrict(file string, n *yaml.Node, path string, v any) (err error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("agent: decode %s: need a non-nil pointer, got %T", path, v)
	}
	kc := &keyChecker{file: file, lines: map[int][]lineKey{}}
	kc.check(n, rv.Type().Elem(), path, 0)
	errs := kc.errs
	defer func() {
		if r := recover(); r != nil {
			err = append(errs, ConfigError{File: file, Line: n.Line, Key: path, Msg: fmt.Sprintf("error interno al decodificar: %v", r)})
		}
	}()
	if derr := n.Decode(v); derr != nil {
		var te *yaml.TypeError
		if errors.As(derr, &te) {
			for _, msg := range te.Errors {
				errs = append(errs, kc.typeError(msg, n.Line, path))
			}
		} else {
			errs = append(errs, ConfigError{File: file, Line: n.Line, Key: path, Msg: derr.Error()})
		}
	}
	if len(errs) > 0 {
		errs.sort()
		return errs
	}
	return nil
}

type lineKey struct {
	path  string
	tag   string
	value string
}

// keyChecker walks a node against a Go type, reporting keys the type has no field
// for and remembering which key path each line holds.
type keyChecker struct {
	file   string
	errs   ConfigErrors
	lines  map[int][]lineKey
	steps  int
	tooBig bool
}

func (kc *keyChecker) check(n *yaml.Node, t reflect.Type, path string, depth int) {
	n = resolve(n)
	kc.steps++
	if n == nil || depth > 64 || kc.steps > maxNodes {
		return
	}
	kc.lines[n.Line] = append(kc.lines[n.Line], lineKey{path: path, tag: n.ShortTag(), value: n.Value})
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nodeType || t.Kind() == reflect.Interface {
		return
	}
	if t.Kind() != reflect.Struct && (t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType)) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return
		}
		fields, inline := structFields(t)
		for _, p := range kc.pairs(n, path) {
			key := p.key.Value
			if ft, ok := fields[key]; ok {
				kc.check(p.val, ft, path+"."+key, depth+1)
				continue
			}
			if inline != nil {
				kc.check(p.val, inline, path+"."+key, depth+1)
				continue
			}
			kc.errs = append(kc.errs, ConfigError{
				File: kc.file, Line: p.key.Line, Key: path + "." + key,
				Msg: unknownKeyMsg(key, sortedKeys(fields)),
			})
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for _, p := range kc.pairs(n, path) {
			kc.check(p.val, t.Elem(), path+"."+p.key.Value, depth+1)
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range n.Content {
			kc.check(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	}
}

func (kc *keyChecker) pairs(n *yaml.Node, path string) []pair {
	budget := maxNodes - kc.steps
	ps := expandPairs(n, 0, &budget)
	kc.steps = maxNodes - budget
	if budget <= 0 && !kc.tooBig {
		kc.tooBig = true
		kc.errs = append(kc.errs, ConfigError{File: kc.file, Line: n.Line, Key: path, Msg: "el documento es demasiado grande o usa demasiados alias"})
	}
	return ps
}

// typeError turns one of yaml.v3's "line N: …" messages into a ConfigError, finding
// the key path from the line and, when the line holds several nodes, from the tag
// and value the message quotes.
func (kc *keyChecker) typeError(msg string, defLine int, defPath string) ConfigError {
	line, path := defLine, defPath
	m := typeErrorRe.FindStringSubmatch(msg)
	if m == nil {
		return ConfigError{File: kc.file, Line: line, Key: path, Msg: msg}
	}
	line, _ = strconv.Atoi(m[1])
	msg = m[2]
	cands := kc.lines[line]
	if len(cands) > 0 {
		path = cands[0].path
	}
	if c := cannotRe.FindStringSubmatch(msg); c != nil {
		tag, quoted := c[1], c[2]
		for _, cand := range cands {
			v := cand.value
			if len(v) > 10 {
				v = v[:7] + "..."
			}
			if cand.tag == tag && (quoted == "" || quoted == " `"+v+"`") {
				path = cand.path
				break
			}
		}
		msg = fmt.Sprintf("tipo incorrecto: %s%s no se puede convertir en %s", tag, quoted, c[3])
	}
	return ConfigError{File: kc.file, Line: line, Key: path, Msg: msg}
}

// structFields lists the YAML keys of a struct type as yaml.v3 sees them: the tag's
// name or the lowercased field name, inline structs flattened; inline is the element
// type of an inline map, which accepts any other key.
func structFields(t reflect.Type) (fields map[string]reflect.Type, inline reflect.Type) {
	fields = map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.PkgPath != "" && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "" && !strings.Contains(string(f.Tag), ":") {
			tag = string(f.Tag)
		}
		if tag == "-" {
			continue
		}
		name, flags, _ := strings.Cut(tag, ",")
		if strings.Contains(","+flags+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.Struct:
				sub, subInline := structFields(ft)
				for k, v := range sub {
					fields[k] = v
				}
				if subInline != nil {
					inline = subInline
				}
			case reflect.Map:
				inline = ft.Elem()
			}
			continue
		}
		if f.PkgPath != "" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
	}
	return fields, inline
}

// ---- the configuration file ----------------------------------------------------

var (
	idRe         = regexp.MustCompile(`^[a-z0-9_-]+$`)
	credNameRe   = regexp.MustCompile(`^[a-z0-9_]+$`)
	envNameRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	domainRe     = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$`)
	hostnameRe   = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`)
	logLevels    = []string{"debug", "info", "warn", "error"}
	logFormats   = []string{"text", "json"}
	accountState = []string{string(StatusActive), string(StatusSuspended), string(StatusCancelled)}
)

// decoder walks the document by hand, so every problem is collected (yaml.v3 stops
// at many of them) and reported with its line and key path. Each section applies
// its defaults and then validates, in the order of the fields below; defaults are
// read before organs so an account's overrides can be checked against them.
type decoder struct {
	file   string
	dir    string
	env    LookupEnv
	errs   ConfigErrors
	nodes  int
	tooBig bool
	// skipSecrets leaves every account's Secrets nil (LoadConfigWithoutSecrets).
	skipSecrets bool
}

// entry is one value in the document: the node (nil when absent), its key path,
// and the line errors about it cite (its key's line, or the value's own).
type entry struct {
	val  *yaml.Node
	path string
	line int
}

func (e entry) absent() bool { return e.val == nil || isNull(e.val) }

func (e entry) child(name string) string {
	if e.path == "" {
		return name
	}
	return e.path + "." + name
}

func (d *decoder) errorf(line int, key, format string, args ...any) {
	d.errs = append(d.errs, ConfigError{File: d.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// parse reads exactly one YAML document and returns its root node.
func (d *decoder) parse(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(0, "", "el archivo está vacío")
		} else {
			d.syntaxError(err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errorf(extra.Line, "", "el archivo contiene más de un documento YAML; se admite uno solo")
		return nil
	} else if !errors.Is(err, io.EOF) {
		d.syntaxError(err)
		return nil
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			d.errorf(0, "", "el archivo está vacío")
			return nil
		}
		root = root.Content[0]
	}
	if isNull(root) {
		d.errorf(root.Line, "", "el archivo está vacío")
		return nil
	}
	return root
}

var syntaxLineRe = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

func (d *decoder) syntaxError(err error) {
	msg := err.Error()
	line := 0
	if m := syntaxLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	d.errorf(line, "", "sintaxis YAML inválida: %s", msg)
}

// mapping reads e as a mapping with the given keys and returns an entry per key,
// absent keys included (with the parent's line, for "missing" errors). Unknown and
// repeated keys are errors. ok is false when e is present but not a mapping.
func (d *decoder) mapping(e entry, names ...string) (fields map[string]entry, ok bool) {
	fields = make(map[string]entry, len(names))
	for _, name := range names {
		fields[name] = entry{path: e.child(name), line: e.line}
	}
	if e.absent() {
		return fields, true
	}
	if e.val.Kind != yaml.MappingNode {
		d.wrongType(e, "un mapa de claves")
		return fields, false
	}
	seen := map[string]int{}
	for _, p := range d.pairs(e) {
		key := p.key.Value
		if p.key.Kind != yaml.ScalarNode {
			d.errorf(p.key.Line, e.path, "clave no válida: las claves deben ser textos")
			continue
		}
		if !p.merged {
			if first, dup := seen[key]; dup {
				d.errorf(p.key.Line, e.child(key), "clave repetida (ya aparece en la línea %d)", first)
				continue
			}
			seen[key] = p.key.Line
		}
		f, known := fields[key]
		if !known {
			d.errorf(p.key.Line, e.child(key), "%s", unknownKeyMsg(key, names))
			continue
		}
		f.val, f.line = p.val, p.key.Line
		fields[key] = f
	}
	return fields, true
}

// pairs returns the key/value pairs of a mapping entry, merge keys ("<<") expanded.
func (d *decoder) pairs(e entry) []pair {
	budget := maxNodes - d.nodes
	ps := expandPairs(e.val, 0, &budget)
	d.nodes = maxNodes - budget
	if budget <= 0 {
		if !d.tooBig {
			d.tooBig = true
			d.errorf(e.line, e.path, "el documento es demasiado grande o usa demasiados alias")
		}
		return nil
	}
	for _, p := range ps {
		if p.bad {
			d.errorf(p.key.Line, e.child("<<"), "una clave de combinación (<<) debe apuntar a un mapa o a una lista de mapas")
		}
	}
	out := ps[:0:0]
	for _, p := range ps {
		if !p.bad {
			out = append(out, p)
		}
	}
	return out
}

type pair struct {
	key, val *yaml.Node
	merged   bool // came from a merge key
	bad      bool // a merge key whose value is not a mapping
}

// expandPairs lists a mapping's pairs with YAML merge keys resolved: the mapping's
// own keys first, then merged keys it does not override. Each pair visited costs one
// unit of budget; it stops when the budget runs out.
func expandPairs(n *yaml.Node, depth int, budget *int) []pair {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > 16 {
		return nil
	}
	if *budget -= len(n.Content)/2 + 1; *budget <= 0 {
		return nil
	}
	var own, merged []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			switch {
			case v != nil && v.Kind == yaml.MappingNode:
				merged = append(merged, expandPairs(v, depth+1, budget)...)
			case v != nil && v.Kind == yaml.SequenceNode:
				for _, item := range v.Content {
					if item = resolve(item); item == nil || item.Kind != yaml.MappingNode {
						own = append(own, pair{key: k, val: v, bad: true})
						break
					}
					merged = append(merged, expandPairs(item, depth+1, budget)...)
				}
			default:
				own = append(own, pair{key: k, val: v, bad: true})
			}
			continue
		}
		own = append(own, pair{key: k, val: v})
	}
	seen := map[string]bool{}
	for _, p := range own {
		seen[p.key.Value] = true
	}
	for _, p := range merged {
		if !seen[p.key.Value] {
			seen[p.key.Value] = true
			p.merged = true
			own = append(own, p)
		}
	}
	return own
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names a node's type for wrong-type messages, without quoting its value.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "un mapa"
	case yaml.SequenceNode:
		return "una lista"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!bool":
			return "un booleano"
		case "!!int", "!!float":
			return "un número"
		case "!!null":
			return "un valor vacío"
		}
		return "un texto"
	}
	return "otro tipo de valor"
}

func (d *decoder) wrongType(e entry, want string) {
	d.errorf(e.line, e.path, "tipo incorrecto: se esperaba %s y hay %s", want, describe(e.val))
}

// wrongTypeQuoted is wrongType quoting a scalar value; never use it where the value
// may be a secret.
func (d *decoder) wrongTypeQuoted(e entry, want string) {
	if e.val.Kind != yaml.ScalarNode {
		d.wrongType(e, want)
		return
	}
	d.errorf(e.line, e.path, "tipo incorrecto: se esperaba %s y hay %s (%q)", want, describe(e.val), e.val.Value)
}

// str reads a text value; numbers are taken as written (an id such as 123456).
func (d *decoder) str(e entry) string {
	if e.absent() {
		return ""
	}
	if e.val.Kind != yaml.ScalarNode || e.val.ShortTag() == "!!bool" {
		d.wrongType(e, "un texto")
		return ""
	}
	return strings.TrimSpace(e.val.Value)
}

func (d *decoder) required(e entry, what string) string {
	if e.absent() {
		d.errorf(e.line, e.path, "falta %s", what)
		return ""
	}
	n := len(d.errs)
	s := d.str(e)
	if s == "" && len(d.errs) == n {
		d.errorf(e.line, e.path, "falta %s", what)
	}
	return s
}

func (d *decoder) oneOf(e entry, def string, allowed []string, what string) string {
	s := d.str(e)
	if s == "" {
		return def
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	d.errorf(e.line, e.path, "%s inválido %q (valores admitidos: %s)", what, s, strings.Join(allowed, ", "))
	return def
}

func (d *decoder) duration(e entry, def, minimum time.Duration) time.Duration {
	if e.absent() {
		return def
	}
	if e.val.Kind != yaml.ScalarNode || (e.val.ShortTag() != "!!str" && e.val.ShortTag() != "!!int") {
		d.wrongTypeQuoted(e, "una duración (ejemplos: 90s, 5m, 1h30m)")
		return def
	}
	v, err := time.ParseDuration(strings.TrimSpace(e.val.Value))
	if err != nil {
		d.errorf(e.line, e.path, "duración inválida %q (ejemplos: 90s, 5m, 1h30m)", e.val.Value)
		return def
	}
	if v < minimum {
		d.errorf(e.line, e.path, "duración demasiado corta %s (mínimo: %s)", v, minimum)
		return def
	}
	return v
}

func (d *decoder) integer(e entry, def, minimum, maximum int) int {
	if e.absent() {
		return def
	}
	var v int
	if e.val.Kind != yaml.ScalarNode || e.val.ShortTag() != "!!int" || e.val.Decode(&v) != nil {
		d.wrongTypeQuoted(e, "un número entero")
		return def
	}
	if v < minimum || v > maximum {
		d.errorf(e.line, e.path, "valor fuera de rango %d (debe estar entre %d y %d)", v, minimum, maximum)
		return def
	}
	return v
}

func (d *decoder) fraction(e entry, def, maximum float64) float64 {
	if e.absent() {
		return def
	}
	var v float64
	if e.val.Kind != yaml.ScalarNode || (e.val.ShortTag() != "!!int" && e.val.ShortTag() != "!!float") || e.val.Decode(&v) != nil {
		d.wrongTypeQuoted(e, "un número")
		return def
	}
	if !(v >= 0 && v <= maximum) {
		d.errorf(e.line, e.path, "valor fuera de rango %s (debe estar entre 0 y %s)", e.val.Value, strconv.FormatFloat(maximum, 'f', -1, 64))
		return def
	}
	return v
}

func (d *decoder) id(e entry, what string) string {
	s := d.required(e, what)
	if s != "" && (!idRe.MatchString(s) || len(s) > maxIDLen) {
		d.errorf(e.line, e.path, "identificador inválido %q: use de 1 a %d minúsculas, dígitos, «_» o «-»", s, maxIDLen)
		return ""
	}
	return s
}

func (d *decoder) config(root *yaml.Node) *Config {
	top := entry{val: root, line: root.Line}
	f, ok := d.mapping(top, "database", "listen", "log", "institute", "defaults", "scheduler", "networks", "organs", "watch", "alerts", "governance")
	if !ok {
		return nil
	}
	c := &Config{rootLine: root.Line}

	c.Database = d.required(f["database"], "la ruta de la base de datos SQLite")
	if c.Database != "" && c.Database != ":memory:" && !strings.HasPrefix(c.Database, "file:") && !filepath.IsAbs(c.Database) {
		c.Database = filepath.Join(d.dir, c.Database)
	}
	c.Listen = d.listen(f["listen"])

	lf, _ := d.mapping(f["log"], "level", "format")
	c.Log.Level = d.oneOf(lf["level"], DefaultLogLevel, logLevels, "nivel de registro")
	c.Log.Format = d.oneOf(lf["format"], DefaultLogFormat, logFormats, "formato de registro")

	inf, _ := d.mapping(f["institute"], "name", "domain", "x_suffix")
	c.Institute.Name = d.str(inf["name"])
	if c.Institute.Name == "" {
		c.Institute.Name = DefaultInstituteName
	}
	c.Institute.Domain = strings.ToLower(d.str(inf["domain"]))
	if c.Institute.Domain == "" {
		c.Institute.Domain = DefaultInstituteDomain
	} else if !domainRe.MatchString(c.Institute.Domain) {
		d.errorf(inf["domain"].line, inf["domain"].path, "dominio inválido %q (ejemplo: ife.org.mx)", c.Institute.Domain)
	}

	df, _ := d.mapping(f["defaults"], "poll_interval", "poll_timeout", "jitter")
	c.Defaults.PollInterval = d.duration(df["poll_interval"], DefaultPollInterval, MinPollInterval)
	c.Defaults.PollTimeout = d.duration(df["poll_timeout"], DefaultPollTimeout, time.Second)
	c.Defaults.Jitter = d.fraction(df["jitter"], DefaultJitter, MaxJitter)

	sf, _ := d.mapping(f["scheduler"], "concurrency_per_network", "max_backoff")
	c.Scheduler.ConcurrencyPerNetwork = d.integer(sf["concurrency_per_network"], DefaultConcurrencyPerNetwork, 1, 1000)
	c.Scheduler.MaxBackoff = d.duration(sf["max_backoff"], DefaultMaxBackoff, MinPollInterval)

	d.networks(c, f["networks"])
	d.organs(c, f["organs"])
	d.watch(c, f["watch"])
	d.alerts(c, f["alerts"])
	c.Institute.XSuffix = d.xSuffix(inf["x_suffix"])
	c.Governance = d.governance(f["governance"])
	return c
}

var watchSeverities = []string{WatchInfo, WatchWarning, WatchUrgent}

// watch reads the watch lists: each a mapping with a unique name, a non-empty list
// of phrases that each have a word to match, and a severity.
func (d *decoder) watch(c *Config, e entry) {
	if e.absent() {
		return
	}
	if e.val.Kind != yaml.SequenceNode {
		d.wrongType(e, "una lista de listas de vigilancia ({name, phrases, severity})")
		return
	}
	names := map[string]int{}
	for i, item := range e.val.Content {
		item = resolve(item)
		if item == nil {
			continue
		}
		le := entry{val: item, path: fmt.Sprintf("%s[%d]", e.path, i), line: item.Line}
		if item.Kind != yaml.MappingNode {
			d.wrongType(le, "un mapa con la lista de vigilancia (name, phrases, severity)")
			continue
		}
		f, _ := d.mapping(le, "name", "phrases", "severity")
		w := WatchList{Line: le.line}
		w.Name = d.id(f["name"], "el nombre de la lista de vigilancia")
		if w.Name != "" {
			if first, dup := names[w.Name]; dup {
				d.errorf(f["name"].line, f["name"].path, "nombre de lista de vigilancia repetido %q (ya usado en la línea %d)", w.Name, first)
			} else {
				names[w.Name] = f["name"].line
			}
		}
		w.Phrases = d.phrases(f["phrases"])
		w.Severity = d.oneOf(f["severity"], WatchWarning, watchSeverities, "nivel de severidad")
		c.Watch = append(c.Watch, w)
	}
}

func (d *decoder) phrases(e entry) []string {
	if e.absent() {
		d.errorf(e.line, e.path, "faltan las frases de la lista de vigilancia (phrases: [\"frase\", …])")
		return nil
	}
	if e.val.Kind != yaml.SequenceNode {
		d.wrongType(e, "una lista de frases")
		return nil
	}
	if len(e.val.Content) == 0 {
		d.errorf(e.line, e.path, "la lista de frases está vacía: escriba al menos una")
		return nil
	}
	var out []string
	seen := map[string]int{} // folded words → line
	for j, item := range e.val.Content {
		item = resolve(item)
		pe := entry{val: item, path: fmt.Sprintf("%s[%d]", e.path, j), line: e.line}
		if item != nil {
			pe.line = item.Line
		}
		if pe.absent() {
			d.errorf(pe.line, pe.path, "frase vacía")
			continue
		}
		if item.Kind != yaml.ScalarNode || item.ShortTag() == "!!bool" {
			d.wrongType(pe, "una frase (un texto)")
			continue
		}
		p := strings.TrimSpace(item.Value)
		words := watch.Words(p)
		switch {
		case p == "":
			d.errorf(pe.line, pe.path, "frase vacía")
			continue
		case len(words) == 0:
			d.errorf(pe.line, pe.path, "la frase %q no tiene palabras que buscar", p)
			continue
		}
		k := strings.Join(words, " ")
		if first, dup := seen[k]; dup {
			d.errorf(pe.line, pe.path, "frase repetida %q (equivale a la de la línea %d: no se distinguen mayúsculas ni acentos)", p, first)
			continue
		}
		seen[k] = pe.line
		out = append(out, p)
	}
	return out
}

func (d *decoder) listen(e entry) string {
	s := d.str(e)
	if s == "" {
		return DefaultListen
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		d.errorf(e.line, e.path, "dirección inválida %q: use host:puerto (ejemplo: %s)", s, DefaultListen)
		return DefaultListen
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		d.errorf(e.line, e.path, "puerto inválido %q en %q: debe ser un número de 0 a 65535", port, s)
		return DefaultListen
	}
	if host == "" {
		d.errorf(e.line, e.path, "falta el host en %q: escriba 127.0.0.1:%s para escuchar solo localmente, o 0.0.0.0:%s para todas las interfaces de forma explícita", s, port, port)
		return DefaultListen
	}
	if net.ParseIP(host) == nil && !hostnameRe.MatchString(host) {
		d.errorf(e.line, e.path, "host inválido %q en %q", host, s)
		return DefaultListen
	}
	return s
}

func (d *decoder) networks(c *Config, e entry) {
	if e.absent() {
		return
	}
	if e.val.Kind != yaml.MappingNode {
		d.wrongType(e, "un mapa de redes")
		return
	}
	c.Networks = map[string]yaml.Node{}
	c.networkLines = map[string]int{}
	for _, p := range d.pairs(e) {
		name := p.key.Value
		ne := entry{val: p.val, path: e.child(name), line: p.key.Line}
		if prev, dup := c.networkLines[name]; dup {
			if !p.merged {
				d.errorf(p.key.Line, ne.path, "clave repetida (ya aparece en la línea %d)", prev)
			}
			continue
		}
		if p.key.Kind != yaml.ScalarNode || !idRe.MatchString(name) {
			d.errorf(p.key.Line, ne.path, "nombre de red inválido: use minúsculas, dígitos, «_» o «-»")
			continue
		}
		c.networkLines[name] = p.key.Line
		if ne.absent() {
			continue
		}
		if p.val.Kind != yaml.MappingNode {
			d.wrongType(ne, "un mapa con la configuración de la red")
			continue
		}
		c.Networks[name] = *p.val
	}
}

func (d *decoder) organs(c *Config, e entry) {
	if e.absent() {
		d.errorf(e.line, e.path, "no hay órganos responsables: configure al menos uno con sus cuentas")
		return
	}
	if e.val.Kind != yaml.SequenceNode {
		d.wrongType(e, "una lista de órganos")
		return
	}
	if len(e.val.Content) == 0 {
		d.errorf(e.line, e.path, "la lista de órganos está vacía: configure al menos uno con sus cuentas")
		return
	}
	organIDs := map[string]int{}
	accountIDs := map[string]int{}
	handles := map[string]string{} // network/handle → "id (línea n)"
	total := 0
	for i, item := range e.val.Content {
		item = resolve(item)
		if item == nil {
			continue
		}
		oe := entry{val: item, path: fmt.Sprintf("%s[%d]", e.path, i), line: item.Line}
		o, ok := d.organ(c, oe, accountIDs, handles)
		if !ok {
			continue
		}
		if o.ID != "" {
			if first, dup := organIDs[o.ID]; dup {
				d.errorf(oe.line, oe.child("id"), "id de órgano repetido %q (ya usado en la línea %d)", o.ID, first)
			} else {
				organIDs[o.ID] = oe.line
			}
		}
		total += len(o.Accounts)
		c.Organs = append(c.Organs, o)
	}
	if total == 0 && len(d.errs) == 0 {
		d.errorf(e.line, e.path, "no hay cuentas configuradas en ningún órgano")
	}
}

func (d *decoder) organ(c *Config, e entry, accountIDs map[string]int, handles map[string]string) (Organ, bool) {
	if e.absent() || e.val.Kind != yaml.MappingNode {
		d.wrongType(e, "un mapa con el órgano (id, name, head, admins, accounts)")
		return Organ{}, false
	}
	f, _ := d.mapping(e, "id", "name", "head", "admins", "attention", "attention_published", "response", "accounts")
	o := Organ{Line: e.line, Attention: calendar.DefaultConfig(), Response: response.DefaultConfig()}
	d.section(f["attention"], &o.Attention)
	d.section(f["response"], &o.Response)
	o.ID = d.id(f["id"], "el id del órgano")
	o.Name = d.required(f["name"], "el nombre del órgano")
	o.Head = d.person(f["head"], "el titular del órgano (head)")
	o.AttentionPublished = d.str(f["attention_published"])
	af, _ := d.mapping(f["admins"], "titular", "suplente")
	if f["admins"].absent() {
		d.errorf(f["admins"].line, f["admins"].path, "faltan los administradores del órgano: titular y suplente (5.1 de los Criterios)")
	} else {
		o.Admins.Titular = d.person(af["titular"], "el administrador titular (mando medio o superior)")
		o.Admins.Suplente = d.person(af["suplente"], "el administrador suplente")
		if t, s := o.Admins.Titular.Email, o.Admins.Suplente.Email; t != "" && strings.EqualFold(t, s) {
			d.errorf(af["suplente"].line, af["suplente"].path, "el administrador suplente debe ser una persona distinta del titular")
		}
	}

	ae := f["accounts"]
	if !ae.absent() && ae.val.Kind != yaml.SequenceNode {
		d.wrongType(ae, "una lista de cuentas")
		return o, true
	}
	if !ae.absent() {
		for j, item := range ae.val.Content {
			item = resolve(item)
			if item == nil {
				continue
			}
			ace := entry{val: item, path: fmt.Sprintf("%s[%d]", ae.path, j), line: item.Line}
			a, ok := d.account(c, ace, o)
			if !ok {
				continue
			}
			a.Organ = o.ID
			if a.ID != "" {
				if first, dup := accountIDs[a.ID]; dup {
					d.errorf(ace.line, ace.child("id"), "id de cuenta repetido %q (ya usado en la línea %d)", a.ID, first)
				} else {
					accountIDs[a.ID] = ace.line
				}
			}
			if a.Network != "" && a.Handle != "" {
				k := a.Network + "/" + strings.ToLower(a.Handle)
				if prev, dup := handles[k]; dup {
					d.errorf(ace.line, ace.child("handle"), "la cuenta %s de %s ya está configurada como %s", a.Handle, a.Network, prev)
				} else {
					handles[k] = fmt.Sprintf("%q (línea %d)", a.ID, ace.line)
				}
			}
			o.Accounts = append(o.Accounts, a)
		}
	}
	return o, true
}

func (d *decoder) person(e entry, what string) Person {
	if e.absent() {
		d.errorf(e.line, e.path, "falta %s", what)
		return Person{}
	}
	f, ok := d.mapping(e, "name", "email", "position", "level")
	if !ok {
		return Person{}
	}
	p := Person{
		Name:     d.required(f["name"], "el nombre"),
		Email:    d.required(f["email"], "el correo electrónico"),
		Position: d.str(f["position"]),
		Level:    d.oneOf(f["level"], "", personLevels, "nivel"),
	}
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			d.errorf(f["email"].line, f["email"].path, "correo electrónico inválido %q (ejemplo: nombre.apellido@ife.org.mx)", p.Email)
		}
	}
	return p
}

func (d *decoder) account(c *Config, e entry, o Organ) (AccountConfig, bool) {
	if e.val.Kind != yaml.MappingNode {
		d.wrongType(e, "un mapa con la cuenta (id, network, handle, …)")
		return AccountConfig{}, false
	}
	f, _ := d.mapping(e, append([]string{"id", "network", "handle", "external_id", "url", "poll_interval", "poll_timeout", "jitter", "status",
		"attention", "response", "credentials", "options"}, accountRegistryKeys...)...)
	a := AccountConfig{Line: e.line, networkLine: f["network"].line, Attention: o.Attention, Response: o.Response}
	d.section(f["attention"], &a.Attention)
	d.section(f["response"], &a.Response)
	a.ID = d.id(f["id"], "el id de la cuenta")
	a.Network = d.required(f["network"], "la red de la cuenta (x, facebook, youtube, …)")
	if a.Network != "" && !idRe.MatchString(a.Network) {
		d.errorf(f["network"].line, f["network"].path, "nombre de red inválido %q: use minúsculas, dígitos, «_» o «-»", a.Network)
	}
	a.Handle = strings.TrimPrefix(d.required(f["handle"], "el nombre de usuario de la cuenta (handle)"), "@")
	a.ExternalID = d.str(f["external_id"])
	a.URL = d.str(f["url"])
	if a.URL != "" {
		if u, err := url.Parse(a.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			d.errorf(f["url"].line, f["url"].path, "URL inválida %q: debe ser absoluta (https://…)", a.URL)
		}
	}
	a.PollInterval = d.duration(f["poll_interval"], c.Defaults.PollInterval, MinPollInterval)
	a.PollTimeout = d.duration(f["poll_timeout"], c.Defaults.PollTimeout, time.Second)
	a.Jitter = d.fraction(f["jitter"], c.Defaults.Jitter, MaxJitter)
	a.Status = AccountStatus(d.oneOf(f["status"], string(StatusActive), accountState, "estado"))
	a.Credentials, a.Secrets = d.credentials(f["credentials"], a.Status != StatusCancelled && !d.skipSecrets)
	a.Options = d.options(f["options"])
	a.AccountRegistry = d.accountRegistry(f)
	return a, true
}

// section decodes a sub-document (an attention calendar, a response policy) into v,
// strictly, with the type's own defaults and validation; an absent section leaves v
// as it is (the inherited value).
func (d *decoder) section(e entry, v any) {
	if e.absent() {
		return
	}
	err := decodeStrict(d.file, e.val, e.path, v)
	var ces ConfigErrors
	switch {
	case errors.As(err, &ces):
		d.errs = append(d.errs, ces...)
	case err != nil:
		d.errorf(e.line, e.path, "%v", err)
	}
}

func (d *decoder) options(e entry) map[string]string {
	if e.absent() {
		return nil
	}
	if e.val.Kind != yaml.MappingNode {
		d.wrongType(e, "un mapa de opciones (clave: valor)")
		return nil
	}
	out := map[string]string{}
	for _, p := range d.pairs(e) {
		key := p.key.Value
		oe := entry{val: p.val, path: e.child(key), line: p.key.Line}
		if _, dup := out[key]; dup && !p.merged {
			d.errorf(oe.line, oe.path, "clave repetida")
			continue
		}
		if p.key.Kind != yaml.ScalarNode || key == "" {
			d.errorf(oe.line, e.path, "clave no válida: las claves deben ser textos")
			continue
		}
		if oe.absent() {
			out[key] = ""
			continue
		}
		if p.val.Kind != yaml.ScalarNode {
			d.wrongType(oe, "un texto")
			continue
		}
		if _, set := out[key]; !set {
			out[key] = p.val.Value
		}
	}
	return out
}

const secretHelp = "use {env: VARIABLE} o {file: archivo}"

func (d *decoder) credentials(e entry, resolveSecrets bool) (map[string]CredentialRef, map[string]connectors.Secret) {
	if e.absent() {
		return nil, nil
	}
	if e.val.Kind != yaml.MappingNode {
		d.wrongType(e, "un mapa de credenciales (nombre: {env: VARIABLE} o {file: archivo})")
		return nil, nil
	}
	refs := map[string]CredentialRef{}
	var secrets map[string]connectors.Secret
	if resolveSecrets {
		secrets = map[string]connectors.Secret{}
	}
	seen := map[string]int{}
	for _, p := range d.pairs(e) {
		name := p.key.Value
		ce := entry{val: p.val, path: e.child(name), line: p.key.Line}
		if first, dup := seen[name]; dup {
			if !p.merged {
				d.errorf(ce.line, ce.path, "clave repetida (ya aparece en la línea %d)", first)
			}
			continue
		}
		seen[name] = ce.line
		if p.key.Kind != yaml.ScalarNode || !credNameRe.MatchString(name) {
			d.errorf(ce.line, ce.path, "nombre de credencial inválido: use minúsculas, dígitos o «_»")
			continue
		}
		if ce.absent() {
			d.errorf(ce.line, ce.path, "falta el origen del secreto: %s", secretHelp)
			continue
		}
		if p.val.Kind == yaml.ScalarNode {
			// Never quote the value: it is probably the secret itself.
			d.errorf(ce.line, ce.path, "no se admiten secretos escritos en el archivo de configuración: %s", secretHelp)
			continue
		}
		f, ok := d.mapping(ce, "env", "file")
		if !ok {
			continue
		}
		ref := CredentialRef{Env: d.str(f["env"]), File: d.str(f["file"])}
		switch {
		case ref.Env == "" && ref.File == "":
			d.errorf(ce.line, ce.path, "falta el origen del secreto: %s", secretHelp)
			continue
		case ref.Env != "" && ref.File != "":
			d.errorf(ce.line, ce.path, "indique un solo origen del secreto, env o file, no ambos")
			continue
		case ref.Env != "" && !envNameRe.MatchString(ref.Env):
			d.errorf(f["env"].line, f["env"].path, "nombre de variable de entorno inválido %q", ref.Env)
			continue
		}
		refs[name] = ref
		if !resolveSecrets {
			continue
		}
		var (
			s   string
			msg string
		)
		if ref.Env != "" {
			s, msg = d.fromEnv(ref.Env)
		} else {
			s, msg = d.fromFile(ref.File)
		}
		if msg != "" {
			key := "env"
			if ref.File != "" {
				key = "file"
			}
			d.errorf(f[key].line, f[key].path, "%s", msg)
			continue
		}
		secrets[name] = connectors.NewSecret(s)
	}
	return refs, secrets
}

// fromEnv returns the variable's value, or a message naming the variable.
func (d *decoder) fromEnv(name string) (value, msg string) {
	v, ok := d.env(name)
	switch {
	case !ok:
		return "", fmt.Sprintf("la variable de entorno %s no está definida", name)
	case strings.TrimSpace(v) == "":
		return "", fmt.Sprintf("la variable de entorno %s está vacía", name)
	}
	return v, ""
}

// fromFile reads a credential file, or returns a message naming the file.
func (d *decoder) fromFile(name string) (value, msg string) {
	path := name
	if !filepath.IsAbs(path) {
		if dir, ok := d.env(credentialsDirEnv); ok && dir != "" {
			path = filepath.Join(dir, name)
		} else {
			path = filepath.Join(d.dir, name)
		}
	}
	where := fmt.Sprintf("%q", name)
	if path != name {
		where = fmt.Sprintf("%q (buscado en %s)", name, path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Sprintf("no se puede leer el archivo de credencial %s: %s", where, describeFileError(err))
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Sprintf("el archivo de credencial %s no es un archivo regular", where)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Sprintf("no se puede leer el archivo de credencial %s: %s", where, describeFileError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSecretSize+1))
	if err != nil {
		return "", fmt.Sprintf("no se puede leer el archivo de credencial %s: %s", where, describeFileError(err))
	}
	if len(data) > maxSecretSize {
		return "", fmt.Sprintf("el archivo de credencial %s es demasiado grande (máximo %d bytes)", where, maxSecretSize)
	}
	s := strings.TrimSpace(string(data))
	if s == "" {
		return "", fmt.Sprintf("el archivo de credencial %s está vacío", where)
	}
	return s, ""
}

// describeFileError says in Spanish why a file could not be read, without the path
// (the caller names the file).
func describeFileError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no existe"
	case errors.Is(err, fs.ErrPermission):
		return "permiso denegado"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func unknownKeyMsg(key string, valid []string) string {
	msg := fmt.Sprintf("clave desconocida %q", key)
	if s := closest(key, valid); s != "" {
		msg += fmt.Sprintf(" (¿quiso decir %q?)", s)
	}
	return msg + " (claves válidas: " + strings.Join(valid, ", ") + ")"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// closest returns the candidate within two edits of s, if there is one.
func closest(s string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
