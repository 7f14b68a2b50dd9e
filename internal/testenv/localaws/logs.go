package localaws

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// CloudWatch Logs speaks awsJson1_1 (X-Amz-Target Logs_20140328.<Op>) with
// camelCase members.

// LogsLogGroup is the kind of a log group document (a DescribeLogGroups
// logGroups entry).
const LogsLogGroup = "logs/LogGroup"

// maxLogsResults bounds DescribeLogGroups' limit.
const maxLogsResults = 50

// AddLogGroup registers a log group by its DescribeLogGroups entry.
func (s *Server) AddLogGroup(d Doc) error {
	doc, err := decodeDoc(d.JSON())
	if err != nil {
		return fmt.Errorf("localaws: log group: %w", err)
	}
	name := docString(doc, "logGroupName")
	if name == "" {
		return fmt.Errorf("localaws: log group: the document has no logGroupName string")
	}
	s.addDoc(LogsLogGroup, resourceDoc{key: name, name: name, doc: doc})
	return nil
}

var logsOps = map[string]handler{
	"DescribeLogGroups": describeLogGroups,
}

// describeLogGroups lists log groups in name order, filtered by
// logGroupNamePrefix.
func describeLogGroups(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	limit := maxLogsResults
	if raw, ok := c.Body["limit"]; ok {
		n, err := strconv.Atoi(fmt.Sprint(raw))
		if err != nil || n < 1 || n > maxLogsResults {
			return 0, nil, &APIError{Code: "InvalidParameterException", Message: fmt.Sprintf(
				"1 validation error detected: Value '%v' at 'limit' failed to satisfy constraint: Member must have value less than or equal to %d", raw, maxLogsResults)}
		}
		limit = n
	}
	prefix, _ := c.Body["logGroupNamePrefix"].(string)
	_, hasPattern := c.Body["logGroupNamePattern"]
	if prefix != "" && hasPattern {
		return 0, nil, &APIError{Code: "InvalidParameterException", Message: "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."}
	}
	match := s.listDocs(LogsLogGroup, func(d resourceDoc) bool { return strings.HasPrefix(d.name, prefix) })
	sortByName(match)
	return jsonPage(c, listing{"DescribeLogGroups", "logGroups", "nextToken", "nextToken", "InvalidParameterException"}, match, limit, docOf)
}

func sortByName(docs []resourceDoc) {
	slices.SortStableFunc(docs, func(a, b resourceDoc) int { return strings.Compare(a.name, b.name) })
}
