package simulate

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/cloudtrail"
	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/replay"
)

// runReplay replays CloudTrail files against the spec's team policies.
func runReplay(opts *Options) error {
	spec, err := loadSpec(opts)
	if err != nil {
		return err
	}
	teams := map[string]string{}
	for _, a := range opts.Accounts {
		acct, team, ok := strings.Cut(a, "=")
		if !ok || !awsid.IsAccountID(acct) {
			return cmdutil.Usagef("--account %q: want ACCOUNT=TEAM with a 12-digit account ID", a)
		}
		if _, found := spec.Team(team); !found {
			return cmdutil.Usagef("--account %s: team %q is not in the spec", a, team)
		}
		teams[acct] = team
	}
	ev, err := iameval.New(nil)
	if err != nil {
		return err
	}
	org, err := newOrg(spec, ev)
	if err != nil {
		return err
	}
	rp := org.Replayer(teams)
	inputs, err := cloudtrail.Expand(opts.CloudTrail)
	if err != nil {
		return cmdutil.Usagef("--cloudtrail: %v", err)
	}
	unreadable := 0
	for _, in := range inputs {
		n, err := replayFile(opts, rp, in)
		unreadable += n
		if err != nil {
			return err
		}
	}
	report := rp.Report()
	if err := writeReport(opts, func(out *cmdutil.Output) error { return writeReplayTo(opts, out, report, unreadable) }); err != nil {
		return err
	}
	opts.Out.Notef(opts.IO, "replayed %d of %d calls: %d allowed, %d denied, %d may be denied (they depend on keys CloudTrail does not record)%s",
		report.Replayed, report.Records, report.Allowed, report.Denied, report.MayDeny, skippedNote(report.Skipped, unreadable))
	if unreadable > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitSkipped}
	}
	return nil
}

// replayFile replays the records of one input and returns how many it
// could not read.
func replayFile(opts *Options, rp *replay.Replayer, in cloudtrail.Input) (int, error) {
	r, err := cloudtrail.Open(in.Path, opts.IO.In)
	if errors.Is(err, cloudtrail.ErrUnrecognized) && in.Found {
		opts.Out.Notef(opts.IO, "%s: %v; passed over", in.Path, err)
		return 0, nil
	}
	if err != nil {
		return 0, cmdutil.Usagef("--cloudtrail %s: %v", in.Path, err)
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			opts.Out.Notef(opts.IO, "%v", err) // a broken input: the records before the break count
			break
		}
		rp.Add(rec)
	}
	for _, p := range r.Problems() {
		opts.Out.Notef(opts.IO, "skipped %v", p)
	}
	return r.Skipped(), nil
}

func skippedNote(skipped map[string]int, unreadable int) string {
	var parts []string
	for _, reason := range slices.Sorted(maps.Keys(skipped)) {
		parts = append(parts, fmt.Sprintf("%d %s", skipped[reason], reason))
	}
	if unreadable > 0 {
		parts = append(parts, fmt.Sprintf("%d unreadable", unreadable))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; not replayed: " + strings.Join(parts, ", ")
}

// replayJSON is the --format json output of a replay.
type replayJSON struct {
	replay.Report
	Unreadable int `json:"unreadable"`
}

func writeReplayTo(opts *Options, out *cmdutil.Output, report replay.Report, unreadable int) error {
	if opts.Out.Format == cmdutil.FormatJSON {
		return encodeJSON(out, replayJSON{report, unreadable})
	}
	pal := cmdutil.NewPalette(out.Writer, nil)
	t := &cmdutil.Table{Header: []string{"TEAM", "PRINCIPAL", "ACTION", "DECISION", "CALLS", "DENIED BY", "UNKNOWN KEYS"}, MaxWidth: 200}
	for _, c := range report.Calls {
		var paint func(string) string
		if c.Decision == "deny" {
			paint = pal.Bold
		}
		t.Add(cmdutil.Cell{Text: c.Team}, cmdutil.Cell{Text: c.Principal}, cmdutil.Cell{Text: c.Action},
			cmdutil.Cell{Text: c.Decision, Paint: paint}, cmdutil.Cell{Text: fmt.Sprint(c.Count)},
			cmdutil.Cell{Text: c.DeniedBy}, cmdutil.Cell{Text: strings.Join(c.UnknownKeys, ", ")})
	}
	if t.Len() == 0 {
		_, err := fmt.Fprintf(out, "no call of the %d replayed would be denied\n", report.Replayed)
		return err
	}
	return t.Write(out, pal)
}
