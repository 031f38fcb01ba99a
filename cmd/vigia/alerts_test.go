package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const alertsTestConfig = `database: vigia.db
organs:
  - id: cncs
    name: Coordinación Nacional de Comunicación Social
    head: {name: Laura Méndez Ortiz, email: laura.mendez@ife.org.mx}
    admins:
      titular: {name: Jorge Salinas Ruiz, email: jorge.salinas@ife.org.mx}
      suplente: {name: Ana Karen Torres Vega, email: ana.torres@ife.org.mx}
    accounts:
      - id: cncs-x
        network: x
        handle: IFEMexico
alerts:
  notifiers:
    - name: chat
      type: webhook
      credentials:
        url: {env: VIGIA_TEST_HOOK_URL}
  routes:
    - name: cuenta
      steps:
        - {via: [chat]}
        - {after: 1h, via: [chat]}
`

// «vigia alerts test --route NAME» sends one test message per step through the
// route's notifiers and says how each went; the webhook's URL (a secret) is never printed.
func TestAlertsTest(t *testing.T) {
	var mu sync.Mutex
	var bodies []map[string]any
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var doc map[string]any
		_ = json.Unmarshal(b, &doc)
		mu.Lock()
		bodies = append(bodies, doc)
		st := status
		mu.Unlock()
		w.WriteHeader(st)
	}))
	defer srv.Close()
	hook := srv.URL + "/hooks/TOKEN-SECRETO"
	t.Setenv("VIGIA_TEST_HOOK_URL", hook)
	path := filepath.Join(t.TempDir(), "vigia.yaml")
	if err := os.WriteFile(path, []byte(alertsTestConfig), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI(t, "alerts", "test", "--config", path, "--route", "cuenta")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "paso 1, chat: enviado") || !strings.Contains(out, "paso 2, chat: enviado") ||
		!strings.Contains(out, `Ruta "cuenta": 2 mensajes de prueba enviados (cuenta cncs-x)`) {
		t.Errorf("output:\n%s", out)
	}
	mu.Lock()
	if len(bodies) != 2 || !strings.Contains(bodies[0]["subject"].(string), "Mensaje de prueba") {
		t.Errorf("the server received %v", bodies)
	}
	status = http.StatusServiceUnavailable
	mu.Unlock()

	code, out, errOut = runCLI(t, "alerts", "test", "--config", path, "--route", "cuenta")
	if code != exitFindings || !strings.Contains(out, "FALLÓ (temporary, se reintentaría)") || !strings.Contains(out, "2 de 2 envíos fallaron") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "TOKEN-SECRETO") {
		t.Errorf("the output shows the webhook's URL:\n%s%s", out, errOut)
	}

	code, _, errOut = runCLI(t, "alerts", "test", "--config", path, "--route", "nada")
	if code != exitError || !strings.Contains(errOut, `no existe la ruta "nada" (rutas configuradas: cuenta)`) {
		t.Errorf("unknown route: exit %d, %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "alerts", "test", "--config", path)
	if code != exitError || !strings.Contains(errOut, "falta --route") {
		t.Errorf("no route: exit %d, %s", code, errOut)
	}
}
