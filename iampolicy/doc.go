// Package iampolicy models IAM policy documents (SCPs, RCPs, permissions
// boundaries, identity policies) and checks them offline the way aiguard
// checks the policies it generates.
//
// Parse reads a document, accepting every form IAM accepts: Statement as an
// object or an array, Action, NotAction, Resource, NotResource and
// principals as a string or an array, condition values as strings, numbers
// or booleans. Lint (or LintData, for text) applies the checks that Codes
// lists: the grammar and the restrictions of each policy Type, unknown
// services, actions and condition keys, condition keys the statement's
// actions do not support (a Deny whose test is true on an absent key then
// denies those actions outright), operator and type mismatches, ARN
// formats, and the size quota of the type, measured by Document.Size.
//
// The same model builds policies: policygen writes every policy it
// generates as a Document (Condition.With keeps values sorted), Minified
// for SCPs and Indented for boundaries and role policies.
//
// The checks rest on a compact table of IAM facts kept by the project
// (DefaultTable): the services aiguard covers whole, generated from the AWS
// Service Authorization Reference by internal/gen, and a hand-kept part for
// the services its policies touch only in part, whose unknown actions and
// keys are reported as "not in aiguard's table" rather than as errors. The
// table also answers the generator's questions, such as which actions
// support a key (Table.ActionsWithKey).
package iampolicy
