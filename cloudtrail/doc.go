// Package cloudtrail reads AWS CloudTrail event records from the files
// people have: log files as a trail delivers them to S3
// ({"Records": [...]}, gzipped or not), `aws cloudtrail lookup-events`
// output (each record a JSON string in CloudTrailEvent), CloudTrail Lake
// query results (`aws cloudtrail get-query-results`: rows of one-column
// objects), NDJSON or concatenated records, JSON arrays of records, and
// Amazon EventBridge events that carry a record in their detail ("AWS API
// Call via CloudTrail").
//
// [Open] recognises the format by content (gzip by its magic bytes, then
// the first keys), and [Reader.Next] streams the records: one goroutine
// decompresses and finds each record's boundaries without decoding it, the
// caller decodes, so memory stays bounded by a few buffers whatever the
// size of the input. A record is decoded into a [Record]: the fields that
// detections and policy replays read, typed, and requestParameters,
// responseElements and additionalEventData as raw JSON.
//
// A malformed record (not JSON, not an object, without eventTime,
// eventSource or eventName, larger than [MaxRecordSize]) is skipped and
// counted, with its position, never fatal. An input whose structure breaks
// (a truncated download, a corrupt gzip stream) yields the records before
// the break, then a [Problem] that says where it broke.
//
// CloudTrail Lake prints struct and map columns as {key=value, ...}, which
// cannot be read back reliably, so nested columns must be selected as JSON;
// [LakeQuery] is a query that selects every field the reader takes. In
// Lake, requestParameters is a map of strings: a nested parameter arrives
// as a JSON string, which readers of RequestParameters should accept in
// place of the object.
package cloudtrail
