package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// WriteJSON writes the report as one indented JSON document (docs/report-json.md).
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("report: write json: %w", err)
	}
	return nil
}

// CSVFiles are the file names WriteCSV writes, one per table.
var CSVFiles = []string{"cuentas.csv", "organos.csv", "intenciones.csv", "publicaciones_semanales.csv",
	"ofensivos.csv", "contenido_propio.csv", "cumplimiento.csv", "tendencia.csv"}

// spreadsheetTime is how CSV cells write instants: local time of the institute,
// a layout spreadsheets read as a date and time.
const spreadsheetTime = "2006-01-02 15:04:05"

// WriteCSV writes one CSV file per table into dir (created if missing): UTF-8 with
// a header row, dates as "AAAA-MM-DD hh:mm:ss" in the institute's time zone,
// decimals with a point.
func WriteCSV(dir string, r *Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	tables := map[string][][]string{}
	figureHeader := []string{"publicaciones", "publicaciones_por_semana", "publicaciones_esperadas_por_semana",
		"comentarios_recibidos", "requieren_respuesta", "respondidos", "tasa_de_respuesta", "respondidos_a_tiempo",
		"respondidos_tarde", "sin_respuesta", "sin_respuesta_mas_antiguo",
		"primera_respuesta_habil_mediana_s", "primera_respuesta_habil_p90_s", "primera_respuesta_habil_p99_s",
		"primera_respuesta_reloj_mediana_s", "primera_respuesta_reloj_p90_s", "primera_respuesta_reloj_p99_s",
		"sugerencias_recibidas", "sugerencias_requieren_respuesta", "sugerencias_respondidas",
		"solicitudes_info_recibidas", "solicitudes_info_respondidas", "solicitudes_info_canalizadas",
		"ofensivos", "ofensivos_a_revisar", "reincidentes", "bloqueos_confirmados", "bloqueos_observados",
		"cobertura", "segundos_vigilados", "sondeos", "sondeos_fallidos"}
	accounts := [][]string{append([]string{"cuenta", "red", "usuario", "organo", "nombre_organo", "estado"},
		append(figureHeader, "semanas_bajo_lo_esperado", "verificacion", "verificacion_observada", "cambios_de_perfil", "alertas_de_toma",
			"senales_de_toma_urgentes", "senales_de_toma_bajo_umbral", "puntuacion_de_toma_maxima", "senales_sin_publicar", "senales_abandonada",
			"vigilancia_comentarios", "vigilancia_respondidos")...)}
	for _, a := range r.Accounts {
		row := append([]string{a.ID, a.Network, a.Handle, a.Organ, a.OrganName, a.Status}, figureCells(&a.Figures)...)
		t, c := a.Takeover, a.CadenceSignals
		accounts = append(accounts, append(row, strconv.Itoa(a.WeeksBelowExpected), a.Verification.Status,
			cellTime(a.Verification.ObservedAt), i64(t.ProfileChanges), optCell(t.Alerts),
			optCell(t.UrgentSignals), optCell(t.SubThresholdSignals), fl(t.MaxScore), optCell(c.Stale), optCell(c.Abandoned),
			i64(a.Watch.Comments), i64(a.Watch.Answered)))
	}
	tables["cuentas.csv"] = accounts
	organs := [][]string{append([]string{"organo", "nombre", "cuentas", "cuentas_verificadas"}, figureHeader...)}
	for _, o := range r.Organs {
		organs = append(organs, append([]string{o.ID, o.Name, strconv.Itoa(len(o.Accounts)), strconv.Itoa(o.VerifiedAccounts)}, figureCells(&o.Figures)...))
	}
	tables["organos.csv"] = organs
	intents := [][]string{{"cuenta", "intencion", "comentarios"}}
	weekly := [][]string{{"cuenta", "semana", "inicio", "publicaciones"}}
	offensive := [][]string{{"cuenta", "regla", "categoria", "severidad", "comentarios"}}
	own := [][]string{{"cuenta", "regla", "elementos"}}
	matrix := [][]string{{"cuenta", "criterio", "regla", "titulo", "estado", "evidencia"}}
	trend := [][]string{{"cuenta", "indicador", "periodo", "periodo_anterior"}}
	for _, a := range r.Accounts {
		for _, k := range sortedKeys(a.CommentsByIntent) {
			intents = append(intents, []string{a.ID, k, i64(a.CommentsByIntent[k])})
		}
		for w, n := range a.WeeklyPosts {
			weekly = append(weekly, []string{a.ID, strconv.Itoa(w + 1), r.period.From.AddDate(0, 0, 7*w).Format(time.DateOnly), i64(n)})
		}
		for _, c := range a.Offensive.ByCategory {
			offensive = append(offensive, []string{a.ID, c.Rule, c.Category, c.Severity, i64(c.Comments)})
		}
		for _, k := range sortedKeys(a.OwnContentFlags) {
			own = append(own, []string{a.ID, k, i64(a.OwnContentFlags[k])})
		}
		for _, c := range a.Compliance {
			matrix = append(matrix, []string{a.ID, c.Criterio, c.Rule, c.Title, c.State, i64(c.Evidence)})
		}
		trend = append(trend,
			[]string{a.ID, "publicaciones", i64(a.Posts), i64(a.Previous.Posts)},
			[]string{a.ID, "comentarios_recibidos", i64(a.CommentsReceived), i64(a.Previous.CommentsReceived)},
			[]string{a.ID, "tasa_de_respuesta", ratio(a.ResponseRate), ratio(a.Previous.ResponseRate)},
			[]string{a.ID, "primera_respuesta_habil_mediana_s", opt(a.FirstResponseBusiness.Median), opt(a.Previous.MedianBusiness)},
			[]string{a.ID, "sin_respuesta", i64(a.Unanswered), i64(a.Previous.Unanswered)},
			[]string{a.ID, "ofensivos", i64(a.Offensive.Comments), i64(a.Previous.Offensive)})
	}
	tables["intenciones.csv"], tables["publicaciones_semanales.csv"], tables["ofensivos.csv"] = intents, weekly, offensive
	tables["contenido_propio.csv"], tables["cumplimiento.csv"], tables["tendencia.csv"] = own, matrix, trend
	for _, name := range CSVFiles {
		if err := writeCSVFile(filepath.Join(dir, name), tables[name]); err != nil {
			return err
		}
	}
	return nil
}

func writeCSVFile(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return fmt.Errorf("report: write %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("report: write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// figureCells are the cells of figureHeader for one figure set.
func figureCells(f *Figures) []string {
	return []string{i64(f.Posts), fl(f.PostsPerWeek), fl(f.ExpectedPostsPerWeek),
		i64(f.CommentsReceived), i64(f.NeedingAnswer), i64(f.Answered), ratio(f.ResponseRate), i64(f.AnsweredInTime),
		i64(f.AnsweredLate), i64(f.Unanswered), cellTime(f.OldestUnanswered),
		opt(f.FirstResponseBusiness.Median), opt(f.FirstResponseBusiness.P90), opt(f.FirstResponseBusiness.P99),
		opt(f.FirstResponseWall.Median), opt(f.FirstResponseWall.P90), opt(f.FirstResponseWall.P99),
		i64(f.Suggestions.Received), i64(f.Suggestions.NeedingAnswer), i64(f.Suggestions.Answered),
		i64(f.InfoRequests.Received), i64(f.InfoRequests.Answered), i64(f.InfoRequests.Redirected),
		i64(f.Offensive.Comments), i64(f.Offensive.Review), i64(f.Offensive.RepeatOffenders), i64(f.Offensive.BlocksConfirmed),
		i64(f.Offensive.BlocksObserved), fl(f.Coverage.Ratio), i64(f.Coverage.WatchedSeconds), i64(f.Coverage.Polls),
		i64(f.Coverage.FailedPolls)}
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func fl(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }

func ratio(r *float64) string {
	if r == nil {
		return ""
	}
	return fl(*r)
}

func opt(n *int64) string {
	if n == nil {
		return ""
	}
	return i64(*n)
}

func cellTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(Location).Format(spreadsheetTime)
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// optCell is n, or an empty cell when there is no data.
func optCell(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}
