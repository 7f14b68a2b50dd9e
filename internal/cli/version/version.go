// Package version implements `aiguard version`.
package version

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
)

// Version is set at build time with -ldflags "-X .../version.Version=v1.2.3";
// without it, the module version or VCS revision from the build info is used.
var Version = ""

// NewCmdVersion returns the version command.
func NewCmdVersion(io *cmdutil.IO) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print aiguard's version",
		Example: "  aiguard version\n  aiguard --version",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(io.Out, "aiguard %s\n", String())
			return err
		},
	}
}

// String returns the version of this build.
func String() string {
	if Version != "" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "(devel) " + s.Value[:12]
		}
	}
	return "(devel)"
}
