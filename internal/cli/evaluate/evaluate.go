// Package evaluate implements `aiguard evaluate`: the rules run offline on a
// Config rule Lambda event or a bare configuration item, exactly as the
// Lambda would judge it.
package evaluate

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/configevent"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/examples"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/inputfile"
	"github.com/aiguard/aiguard/rules"
)

// Options are the inputs of `aiguard evaluate`.
type Options struct {
	IO       *cmdutil.IO
	Registry *rules.Registry

	EventFile string
	CIFile    string
	Examples  bool
	RuleIDs   []string
	Params    string
	cmdutil.OutputFlags
	// Getenv reads the environment (NO_COLOR); nil is os.Getenv.
	Getenv func(string) string
}

var formats = []string{cmdutil.FormatJSON, cmdutil.FormatTable}

// NewCmdEvaluate returns the evaluate command; runF replaces the logic in tests.
func NewCmdEvaluate(io *cmdutil.IO, reg *rules.Registry, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io, Registry: reg}
	cmd := &cobra.Command{
		Use:   "evaluate (--event FILE | --ci FILE | --examples)",
		Short: "Evaluate a Config rule event or a configuration item offline",
		Long: `Evaluate runs the rules on a Config rule Lambda event (--event) or a bare
configuration item in either the event or the API shape (--ci), with no AWS
access. FILE may be - for standard input. --examples evaluates the example
events bundled with aiguard.

Without --rule, every rule whose scope covers the resource type runs. The
parameters come from --params (a JSON object), else from the event's
ruleParameters; exemptResourceIds among them exempts resources as the
deployed rule does.

--format json (default) prints an array of evaluations with the keys
ruleId, complianceResourceType, complianceResourceId, complianceType,
annotation and orderingTimestamp; table prints them for people. Exit status is 0 whatever
the compliance, and 2 for unreadable input, an unknown rule or invalid
parameters.`,
		Example: `  # The event a Config rule Lambda received, as the Lambda judged it
  aiguard evaluate --event event.json

  # One item from the Config API, one rule, with its parameters, as a table
  aws configservice batch-get-resource-config --resource-keys resourceType=AWS::SageMaker::NotebookInstance,resourceId=nb-1 \
    --query 'baseConfigurationItems[0]' | aiguard evaluate --ci - --format table \
    --rule sagemaker-notebook-in-vpc --params '{"allowedSubnetIds":"subnet-0a1b2c3d4e5f60718"}'

  # The bundled example events
  aiguard evaluate --examples --format table`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runEvaluate(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.EventFile, "event", "", "Config rule Lambda event (JSON)")
	f.StringVar(&opts.CIFile, "ci", "", "configuration item (JSON, event or API shape)")
	f.BoolVar(&opts.Examples, "examples", false, "evaluate the bundled example events")
	f.StringArrayVar(&opts.RuleIDs, "rule", nil, "rule ID to run (repeatable; default: every rule covering the resource type)")
	f.StringVar(&opts.Params, "params", "", `rule parameters as a JSON object, e.g. '{"allowedSubnetIds":"subnet-0123abcd"}'`)
	cmdutil.AddOutputFlags(cmd, &opts.OutputFlags, cmdutil.FormatJSON, formats...)
	return cmd
}

// input is one thing to evaluate.
type input struct {
	item      *configitem.Item
	leftScope bool
	params    map[string]string // from the event; nil for a bare CI
}

func runEvaluate(opts *Options) error {
	if err := opts.CheckFormat(formats...); err != nil {
		return err
	}
	given := 0
	for _, set := range []bool{opts.EventFile != "", opts.CIFile != "", opts.Examples} {
		if set {
			given++
		}
	}
	if given != 1 {
		return cmdutil.Usagef("give exactly one of --event FILE, --ci FILE or --examples")
	}
	selected, err := cmdutil.SelectRules(opts.Registry, opts.RuleIDs)
	if err != nil {
		return err
	}
	var flagParams map[string]string
	if opts.Params != "" {
		if flagParams, err = configevent.ParseParams(json.RawMessage(opts.Params)); err != nil {
			return cmdutil.Usagef("--params: %v", err)
		}
	}

	var inputs []input
	switch {
	case opts.EventFile != "":
		data, err := readInput(opts.IO, opts.EventFile, configevent.MaxSize)
		if err != nil {
			return err
		}
		in, err := eventInput(opts, opts.EventFile, data)
		if err != nil {
			return err
		}
		inputs = in
	case opts.CIFile != "":
		data, err := readInput(opts.IO, opts.CIFile, configitem.MaxSize)
		if err != nil {
			return err
		}
		item, err := configitem.Decode(data)
		if err != nil {
			return cmdutil.Usagef("%s: %v", opts.CIFile, err)
		}
		if item.ResourceType == "" || item.ResourceID == "" {
			if hasTopLevelKey(data, "invokingEvent") {
				return cmdutil.Usagef("%s: this is a Config rule Lambda event, not a configuration item; use --event", opts.CIFile)
			}
			return cmdutil.Usagef("%s: configuration item has no resourceType or resourceId", opts.CIFile)
		}
		inputs = []input{{item: item}}
	default:
		for _, ex := range examples.Events() {
			in, err := eventInput(opts, ex.Name, ex.Data)
			if err != nil {
				return err
			}
			inputs = append(inputs, in...)
		}
	}

	now := time.Now()
	evals := []rules.Evaluation{}
	for _, in := range inputs {
		list := selected
		if list == nil {
			list = opts.Registry.ForType(in.item.ResourceType)
		}
		raw := in.params
		if flagParams != nil {
			raw = flagParams
			if err := cmdutil.CheckParamsDeclared(raw, list, "that runs here"); err != nil {
				return err
			}
		}
		for _, r := range list {
			judge, err := r.Configure(r.OwnParams(raw))
			if err != nil {
				return cmdutil.Usage(err)
			}
			ev, _ := judge.EvaluateChange(in.item, in.leftScope, now)
			evals = append(evals, ev)
		}
	}
	return opts.WriteReport(opts.IO, func(out *cmdutil.Output) error {
		if opts.Format == cmdutil.FormatTable {
			return writeTable(out, evals, cmdutil.NewPalette(out.Writer, opts.Getenv))
		}
		return cmdutil.WriteJSON(out, evals)
	}, opts.EventFile, opts.CIFile)
}

// eventInput decodes a Lambda event. Events that carry no CI produce no
// input and a note on stderr, as there is nothing to judge offline.
func eventInput(opts *Options, name string, data []byte) ([]input, error) {
	ev, err := configevent.Parse(data)
	if err != nil {
		if !hasTopLevelKey(data, "invokingEvent") && hasTopLevelKey(data, "resourceType") {
			return nil, cmdutil.Usagef("%s: this is a configuration item, not a Config rule Lambda event; use --ci", name)
		}
		return nil, cmdutil.Usagef("%s: %v", name, err)
	}
	switch ev.Invoking.MessageType {
	case configevent.ItemChange:
		return []input{{item: ev.Invoking.Item, leftScope: ev.EventLeftScope, params: ev.Params}}, nil
	case configevent.OversizedItemChange:
		if !ev.Invoking.Item.Evaluable() || ev.EventLeftScope {
			return []input{{item: ev.Invoking.Item, leftScope: ev.EventLeftScope, params: ev.Params}}, nil
		}
		it := ev.Invoking.Item
		return nil, cmdutil.Usagef("%s: an oversized-change notification carries no configuration; fetch the item with "+
			"`aws configservice get-resource-config-history --resource-type %s --resource-id %s --limit 1` "+
			"and evaluate it with --ci", name, it.ResourceType, it.ResourceID)
	default:
		opts.Notef(opts.IO, "%s: %s carries no configuration item; nothing to evaluate offline",
			name, ev.Invoking.MessageType)
		return nil, nil
	}
}

// hasTopLevelKey reports whether data is a JSON object with the key (in any
// case, as encoding/json matches names); it tells an event from a CI when
// the wrong flag was used.
func hasTopLevelKey(data []byte, key string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return false
	}
	for k := range m {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// readInput reads --event or --ci: a regular file or standard input (a
// FIFO would hang), at most limit bytes.
func readInput(streams *cmdutil.IO, name string, limit int64) ([]byte, error) {
	data, err := inputfile.ReadAll(name, streams.In, limit)
	var tl *inputfile.TooLargeError
	if errors.As(err, &tl) {
		return nil, cmdutil.Usagef("%s: more than %d bytes; not a Config event or item", name, limit)
	}
	if err != nil {
		return nil, cmdutil.Usage(err)
	}
	return data, nil
}

// writeTable prints the evaluations for people, one a line (as grep wants
// them), control characters from resource IDs and annotations escaped.
func writeTable(w io.Writer, evals []rules.Evaluation, p cmdutil.Palette) error {
	t := &cmdutil.Table{Header: []string{"RULE", "RESOURCE", "COMPLIANCE", "ANNOTATION"}}
	for _, e := range evals {
		t.Add(cmdutil.Cell{Text: e.RuleID}, cmdutil.Cell{Text: e.ResourceType + " " + e.ResourceID},
			cmdutil.Cell{Text: string(e.Compliance), Paint: p.Compliance}, cmdutil.Cell{Text: e.Annotation})
	}
	return t.Write(w, p)
}
