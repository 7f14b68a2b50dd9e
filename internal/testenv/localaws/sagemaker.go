package localaws

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SageMaker resource kinds the server holds, each served by its Describe
// operation and, except EndpointConfig, its List operation.
const (
	SageMakerTrainingJob      = "TrainingJob"
	SageMakerProcessingJob    = "ProcessingJob"
	SageMakerTransformJob     = "TransformJob"
	SageMakerEndpoint         = "Endpoint"
	SageMakerEndpointConfig   = "EndpointConfig"
	SageMakerModel            = "Model"
	SageMakerNotebookInstance = "NotebookInstance"
	SageMakerDomain           = "Domain"
	SageMakerUserProfile      = "UserProfile"
	// The second wave of rules' kinds.
	SageMakerFlowDefinition     = "FlowDefinition"
	SageMakerLifecycleConfig    = "NotebookInstanceLifecycleConfig"
	SageMakerMonitoringSchedule = "MonitoringSchedule"
)

// Limits of the SageMaker List operations.
const (
	maxSageMakerResults     = 100
	defaultSageMakerResults = 10
)

// sageMakerKind describes how one kind is listed and described. The field
// names are the API reference's (and the SDK's response snapshots').
type sageMakerKind struct {
	describeOp, listOp string
	// keys are the request members, also in the Describe response, that
	// identify one resource.
	keys []string
	// listKey is the List response's member holding the summaries, and
	// summary the members a summary copies from the Describe response.
	listKey string
	summary []string
	// status is the member StatusEquals filters on ("" when not filtered).
	status string
	// sortBy lists the accepted SortBy values ("" entries mean none).
	sortBy []string
	// creationFilters reports whether the List operation takes
	// CreationTimeAfter/CreationTimeBefore.
	creationFilters bool
	// notFound is the error Describe answers for a resource that does not
	// exist; SageMaker's differ by operation (see the package tests).
	notFound func(key string) *APIError
}

func resourceNotFound(string) *APIError {
	return &APIError{Code: "ResourceNotFound", Message: "Requested resource not found."}
}

func validationNotFound(format string) func(string) *APIError {
	return func(key string) *APIError {
		return &APIError{Code: "ValidationException", Message: fmt.Sprintf(format, key)}
	}
}

var sageMakerKinds = map[string]sageMakerKind{
	SageMakerFlowDefinition: {
		describeOp: "DescribeFlowDefinition", listOp: "ListFlowDefinitions", keys: []string{"FlowDefinitionName"},
		listKey: "FlowDefinitionSummaries",
		summary: []string{"FlowDefinitionName", "FlowDefinitionArn", "FlowDefinitionStatus", "CreationTime", "FailureReason"},
		sortBy:  []string{""}, creationFilters: true,
		notFound: resourceNotFound,
	},
	SageMakerLifecycleConfig: {
		describeOp: "DescribeNotebookInstanceLifecycleConfig", listOp: "ListNotebookInstanceLifecycleConfigs",
		keys: []string{"NotebookInstanceLifecycleConfigName"}, listKey: "NotebookInstanceLifecycleConfigs",
		summary: []string{"NotebookInstanceLifecycleConfigName", "NotebookInstanceLifecycleConfigArn", "CreationTime",
			"LastModifiedTime"},
		sortBy: []string{"Name", "CreationTime", "LastModifiedTime"}, creationFilters: true,
		notFound: validationNotFound("Unable to describe Notebook Instance Lifecycle Config %s."),
	},
	SageMakerMonitoringSchedule: {
		describeOp: "DescribeMonitoringSchedule", listOp: "ListMonitoringSchedules", keys: []string{"MonitoringScheduleName"},
		listKey: "MonitoringScheduleSummaries",
		summary: []string{"MonitoringScheduleName", "MonitoringScheduleArn", "CreationTime", "LastModifiedTime",
			"MonitoringScheduleStatus", "EndpointName", "MonitoringJobDefinitionName", "MonitoringType"},
		status: "MonitoringScheduleStatus", sortBy: []string{"Name", "CreationTime", "Status"}, creationFilters: true,
		notFound: resourceNotFound,
	},
	SageMakerTrainingJob: {
		describeOp: "DescribeTrainingJob", listOp: "ListTrainingJobs", keys: []string{"TrainingJobName"},
		listKey: "TrainingJobSummaries",
		summary: []string{"TrainingJobName", "TrainingJobArn", "CreationTime", "TrainingEndTime", "LastModifiedTime",
			"TrainingJobStatus", "SecondaryStatus", "WarmPoolStatus", "TrainingPlanArn"},
		status: "TrainingJobStatus", sortBy: []string{"Name", "CreationTime", "Status"}, creationFilters: true,
		// Observed from the service: a ValidationException, although the
		// API model declares ResourceNotFound.
		notFound: validationNotFound("Requested resource not found."),
	},
	SageMakerProcessingJob: {
		describeOp: "DescribeProcessingJob", listOp: "ListProcessingJobs", keys: []string{"ProcessingJobName"},
		listKey: "ProcessingJobSummaries",
		summary: []string{"ProcessingJobName", "ProcessingJobArn", "CreationTime", "ProcessingEndTime", "LastModifiedTime",
			"ProcessingJobStatus", "FailureReason", "ExitMessage"},
		status: "ProcessingJobStatus", sortBy: []string{"Name", "CreationTime", "Status"}, creationFilters: true,
		notFound: resourceNotFound,
	},
	SageMakerTransformJob: {
		describeOp: "DescribeTransformJob", listOp: "ListTransformJobs", keys: []string{"TransformJobName"},
		listKey: "TransformJobSummaries",
		summary: []string{"TransformJobName", "TransformJobArn", "CreationTime", "TransformEndTime", "LastModifiedTime",
			"TransformJobStatus", "FailureReason"},
		status: "TransformJobStatus", sortBy: []string{"Name", "CreationTime", "Status"}, creationFilters: true,
		notFound: resourceNotFound,
	},
	SageMakerEndpoint: {
		describeOp: "DescribeEndpoint", listOp: "ListEndpoints", keys: []string{"EndpointName"}, listKey: "Endpoints",
		summary: []string{"EndpointName", "EndpointArn", "CreationTime", "LastModifiedTime", "EndpointStatus"},
		status:  "EndpointStatus", sortBy: []string{"Name", "CreationTime", "Status"}, creationFilters: true,
		notFound: validationNotFound("Could not find endpoint \"%s\"."),
	},
	SageMakerEndpointConfig: {
		describeOp: "DescribeEndpointConfig", keys: []string{"EndpointConfigName"},
		notFound: validationNotFound("Could not find endpoint configuration \"%s\"."),
	},
	SageMakerModel: {
		describeOp: "DescribeModel", listOp: "ListModels", keys: []string{"ModelName"}, listKey: "Models",
		summary: []string{"ModelName", "ModelArn", "CreationTime"},
		sortBy:  []string{"Name", "CreationTime"}, creationFilters: true,
		notFound: validationNotFound("Could not find model \"%s\"."),
	},
	SageMakerNotebookInstance: {
		describeOp: "DescribeNotebookInstance", listOp: "ListNotebookInstances", keys: []string{"NotebookInstanceName"},
		listKey: "NotebookInstances",
		summary: []string{"NotebookInstanceName", "NotebookInstanceArn", "NotebookInstanceStatus", "Url", "InstanceType",
			"CreationTime", "LastModifiedTime", "NotebookInstanceLifecycleConfigName", "DefaultCodeRepository",
			"AdditionalCodeRepositories"},
		status: "NotebookInstanceStatus", sortBy: []string{"Name", "CreationTime", "Status"}, creationFilters: true,
		notFound: validationNotFound("RecordNotFound"),
	},
	SageMakerDomain: {
		describeOp: "DescribeDomain", listOp: "ListDomains", keys: []string{"DomainId"}, listKey: "Domains",
		summary:  []string{"DomainArn", "DomainId", "DomainName", "Status", "CreationTime", "LastModifiedTime", "Url"},
		notFound: resourceNotFound,
	},
	SageMakerUserProfile: {
		describeOp: "DescribeUserProfile", listOp: "ListUserProfiles", keys: []string{"DomainId", "UserProfileName"},
		listKey:  "UserProfiles",
		summary:  []string{"DomainId", "UserProfileName", "Status", "CreationTime", "LastModifiedTime"},
		sortBy:   []string{"CreationTime", "LastModifiedTime"},
		notFound: resourceNotFound,
	},
}

// sageMakerResource is one registered resource: its Describe response.
type sageMakerResource struct {
	key     string
	doc     map[string]any
	created time.Time
	name    string // the first key member, for NameContains and SortBy Name
}

// AddSageMaker registers a SageMaker resource of the given kind by the body
// of its Describe response, exactly as the service sends it (timestamps in
// epoch seconds). The List operation builds its summary from the same
// document. A resource with the same key replaces the earlier one.
func (s *Server) AddSageMaker(kind string, describe []byte) error {
	k, ok := sageMakerKinds[kind]
	if !ok {
		return fmt.Errorf("localaws: unknown SageMaker kind %q", kind)
	}
	doc, err := decodeDoc(describe)
	if err != nil {
		return fmt.Errorf("localaws: %s: %w", kind, err)
	}
	key, err := docKey(k, doc)
	if err != nil {
		return fmt.Errorf("localaws: %s: %w", kind, err)
	}
	res := sageMakerResource{key: key, doc: doc, name: fmt.Sprint(doc[k.keys[len(k.keys)-1]])}
	if v, ok := doc["CreationTime"]; ok {
		t, err := docTime(v)
		if err != nil {
			return fmt.Errorf("localaws: %s %s: CreationTime: %w", kind, key, err)
		}
		res.created = t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sagemaker[kind] == nil {
		s.sagemaker[kind] = map[string]sageMakerResource{}
	}
	s.sagemaker[kind][key] = res
	return nil
}

// RemoveSageMaker deletes a resource; key is its name (for a user profile,
// "domainId/name"). Describe then answers as for a resource that does not
// exist.
func (s *Server) RemoveSageMaker(kind, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sagemaker[kind], key)
}

// docKey joins a resource's key members with "/".
func docKey(k sageMakerKind, doc map[string]any) (string, error) {
	parts := make([]string, len(k.keys))
	for i, name := range k.keys {
		v, ok := doc[name].(string)
		if !ok || v == "" {
			return "", fmt.Errorf("the document has no %s string", name)
		}
		parts[i] = v
	}
	return strings.Join(parts, "/"), nil
}

// docTime reads an awsJson timestamp: epoch seconds, as a number.
func docTime(v any) (time.Time, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return time.Time{}, err
	}
	t, err := decodeTimestamp(raw)
	if err != nil || t == nil {
		return time.Time{}, fmt.Errorf("want epoch seconds, got %s", raw)
	}
	return *t, nil
}

// sageMakerOps answers the Describe and List operations of every kind.
var sageMakerOps = sageMakerHandlers()

func sageMakerHandlers() map[string]handler {
	ops := map[string]handler{}
	for kind, k := range sageMakerKinds {
		ops[k.describeOp] = func(s *Server, c *ServiceCall) (int, []byte, *APIError) { return s.describeSageMaker(kind, c.Body) }
		if k.listOp != "" {
			ops[k.listOp] = func(s *Server, c *ServiceCall) (int, []byte, *APIError) { return s.listSageMaker(kind, c) }
		}
	}
	return ops
}

func (s *Server) describeSageMaker(kind string, in map[string]any) (int, []byte, *APIError) {
	k := sageMakerKinds[kind]
	var v violations
	parts := make([]string, len(k.keys))
	for i, name := range k.keys {
		str, ok := in[name].(string)
		if !ok || str == "" {
			v.add("null", lowerFirst(name), "Member must not be null")
		}
		parts[i] = str
	}
	if err := v.err(); err != nil {
		return 0, nil, err
	}
	key := strings.Join(parts, "/")
	s.mu.Lock()
	res, ok := s.sagemaker[kind][key]
	s.mu.Unlock()
	if !ok {
		return 0, nil, k.notFound(parts[len(parts)-1])
	}
	return jsonAnswer(res.doc)
}

func (s *Server) listSageMaker(kind string, rec *ServiceCall) (int, []byte, *APIError) {
	k, in := sageMakerKinds[kind], rec.Body
	var v violations
	limit := defaultSageMakerResults
	if raw, ok := in["MaxResults"]; ok {
		n, err := strconv.Atoi(fmt.Sprint(raw))
		switch {
		case err != nil:
			return 0, nil, &APIError{Code: "SerializationException", Message: fmt.Sprintf("MaxResults: want an integer, got %v", raw)}
		case n < 1:
			v.add(quote(strconv.Itoa(n)), "maxResults", "Member must have value greater than or equal to 1")
		case n > maxSageMakerResults:
			v.add(quote(strconv.Itoa(n)), "maxResults", fmt.Sprintf("Member must have value less than or equal to %d", maxSageMakerResults))
		default:
			limit = n
		}
	}
	sortBy, _ := in["SortBy"].(string)
	if sortBy != "" && !slices.Contains(k.sortBy, sortBy) {
		v.add(quote(sortBy), "sortBy", "Member must satisfy enum value set: ["+strings.Join(k.sortBy, ", ")+"]")
	}
	sortOrder, _ := in["SortOrder"].(string)
	if sortOrder != "" && sortOrder != "Ascending" && sortOrder != "Descending" {
		v.add(quote(sortOrder), "sortOrder", "Member must satisfy enum value set: [Ascending, Descending]")
	}
	var after, before *time.Time
	for name, dst := range map[string]**time.Time{"CreationTimeAfter": &after, "CreationTimeBefore": &before} {
		raw, ok := in[name]
		if !ok {
			continue
		}
		if !k.creationFilters {
			return 0, nil, &APIError{Code: "SerializationException", Message: fmt.Sprintf("%s is not a member of %sRequest", name, k.listOp)}
		}
		t, err := docTime(raw)
		if err != nil {
			return 0, nil, &APIError{Code: "SerializationException", Message: name + ": " + err.Error()}
		}
		*dst = &t
	}
	if err := v.err(); err != nil {
		return 0, nil, err
	}
	status, _ := in["StatusEquals"].(string)
	nameContains, _ := in["NameContains"].(string)
	domain, _ := in["DomainIdEquals"].(string)
	endpoint, _ := in["EndpointName"].(string) // ListMonitoringSchedules

	s.mu.Lock()
	var match []sageMakerResource
	for _, res := range s.sagemaker[kind] {
		switch {
		case after != nil && !res.created.After(*after):
		case before != nil && !res.created.Before(*before):
		case status != "" && k.status != "" && res.doc[k.status] != status:
		case nameContains != "" && !strings.Contains(res.name, nameContains):
		case domain != "" && res.doc["DomainId"] != domain:
		case endpoint != "" && res.doc["EndpointName"] != endpoint:
		default:
			match = append(match, res)
		}
	}
	s.mu.Unlock()
	// The service's order: by SortBy (CreationTime unless given), in
	// SortOrder (Descending unless given), then by key for a stable paging.
	slices.SortFunc(match, func(a, b sageMakerResource) int {
		c := 0
		switch sortBy {
		case "Name":
			c = strings.Compare(a.name, b.name)
		case "Status":
			c = strings.Compare(fmt.Sprint(a.doc[k.status]), fmt.Sprint(b.doc[k.status]))
		default:
			c = a.created.Compare(b.created)
		}
		if sortOrder != "Ascending" {
			c = -c
		}
		if c == 0 {
			c = strings.Compare(a.key, b.key)
		}
		return c
	})
	return jsonPage(rec, listing{k.listOp, k.listKey, "NextToken", "NextToken", "ValidationException"}, match, limit,
		func(res sageMakerResource) any { return pick(res.doc, k.summary...) })
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
