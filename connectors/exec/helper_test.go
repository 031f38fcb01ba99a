package execplugin

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	osexec "os/exec"
	"strings"
	"testing"
	"time"
)

// The test binary re-executed with helperArg as its first argument acts as a
// plugin; the behaviour is the next argument. (An argument rather than an
// inherited variable, so that fuzzing workers, also re-executions of the test
// binary, stay test binaries.)
const helperArg = "-vigia-exec-test-plugin"

// helperEnv is set in the tests' environment and passed through by the `env`
// setting; the plugin checks it arrives.
const helperEnv = "VIGIA_EXEC_TEST_PASS"

func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == helperArg {
		if os.Getenv(helperEnv) != "1" {
			fmt.Fprintln(os.Stderr, helperEnv, "not passed through")
			os.Exit(2)
		}
		os.Exit(plugin(os.Args[2:]))
	}
	os.Setenv(helperEnv, "1")
	code := m.Run()
	if foro.dir != "" {
		os.RemoveAll(foro.dir)
	}
	os.Exit(code)
}

const itemLine = `{"type":"item","external_id":"%d","kind":"post","author_id":"u1","author_handle":"ife_mx","own":true,"text":"hola %d","lang":"es","created_at":"2026-11-01T10:00:00Z","raw":{"id":"%d"}}`

// plugin acts out one behaviour and returns the exit code.
func plugin(args []string) int {
	var req request
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() || json.Unmarshal(sc.Bytes(), &req) != nil || req.Protocol != Protocol {
		fmt.Fprintln(os.Stderr, "bad request")
		return 2
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	out := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	mode := args[0]
	switch mode {
	case "batch":
		out(itemLine, 1, 1, 1)
		out(`{"type":"item","external_id":"2","kind":"comment","parent_id":"1","root_id":"1","author_id":"u2","text":"respuesta","created_at":"2026-11-01T10:05:00Z","edited_at":"2026-11-01T10:06:00Z","media":[{"type":"image","url":"https://e/x.png"}],"raw":"aGk="}`)
		out(`{"type":"deletion","external_id":"0","observed_at":"2026-11-01T11:00:00Z"}`)
		out(`{"type":"deletion","external_id":"00"}`)
		out(`{"type":"profile","external_id":"u1","handle":"ife_mx","display_name":"IFE","followers":12,"verified":true}`)
		out(``)
		out(`{"type":"end","cursor":"Yy0x","more":false,"budget":{"calls":2,"items":3,"remaining":97}}`)
	case "page":
		// Two items per page; the cursor is the next index.
		i := 0
		if req.Cursor != nil {
			fmt.Sscanf(string(req.Cursor), "%d", &i)
		}
		for j := i; j < i+2 && j < 5; j++ {
			out(itemLine, j, j, j)
		}
		next := i + 2
		out(`{"type":"end","cursor":%q,"more":%v}`, b64(fmt.Sprint(next)), next < 5)
	case "error":
		out(itemLine, 1, 1, 1)
		out(`{"type":"error","kind":%q,"message":"said no","reset":"2026-11-01T12:00:00Z"}`, args[1])
		return 1
	case "leak":
		tok := req.Account.Credentials["token"]
		fmt.Fprintf(os.Stderr, "debug: token=%s argv=%q env=%q\n", tok, os.Args, os.Environ())
		out(`{"type":"error","kind":"auth","message":"token %s rejected"}`, tok)
	case "env":
		out(`{"type":"item","external_id":"e","kind":"post","created_at":"2026-11-01T10:00:00Z","text":%q}`,
			strings.Join(os.Environ(), "\n")+"\n"+strings.Join(os.Args, "\n"))
		out(`{"type":"end"}`)
	case "garbage":
		out(itemLine, 1, 1, 1)
		out(`<html>502 Bad Gateway</html>`)
		out(`{"type":"end"}`)
	case "unknown":
		out(`{"type":"story","external_id":"1"}`)
		out(`{"type":"end"}`)
	case "hugeline":
		w.WriteString(`{"type":"item","text":"`)
		w.WriteString(strings.Repeat("a", MaxLine))
		out(`"}`)
		out(`{"type":"end"}`)
	case "hugeoutput":
		for i := 0; ; i++ {
			out(itemLine, i, i, i)
		}
	case "hang":
		// A child that inherits stdout and would keep the pipe open forever.
		child := osexec.Command("sleep", "3600")
		child.Stdout = os.Stdout
		if err := child.Start(); err == nil && len(args) > 1 {
			os.WriteFile(args[1], []byte(fmt.Sprint(child.Process.Pid)), 0o600)
		}
		out(itemLine, 1, 1, 1)
		w.Flush()
		time.Sleep(time.Hour)
	case "crash":
		out(itemLine, 1, 1, 1)
		fmt.Fprintln(os.Stderr, "panic: something broke")
		return 3
	case "crashafterend":
		out(`{"type":"end"}`)
		return 3
	case "noend":
		out(itemLine, 1, 1, 1)
	case "afterend":
		out(`{"type":"end"}`)
		out(itemLine, 1, 1, 1)
	case "badcursor":
		out(`{"type":"end","cursor":"%%%%"}`)
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		return 2
	}
	return 0
}
