package main

import (
	"context"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// errorsScenario sends bad requests of every kind a client can get wrong and records the error
// code each one is answered with.
func errorsScenario(ctx context.Context, e *env) (observations, error) {
	cl := e.client
	b, err := broker(ctx, cl)
	if err != nil {
		return nil, err
	}
	out := observations{}
	small := e.topic("small")
	compacted := e.topic("compacted")
	if err := mustCreate(ctx, cl, b, small, 1, map[string]string{"max.message.bytes": "2000"}); err != nil {
		return nil, err
	}
	if err := mustCreate(ctx, cl, b, compacted, 1, map[string]string{"cleanup.policy": "compact"}); err != nil {
		return nil, err
	}
	batch := func(values ...string) []byte {
		return encodeBatch(batchSpec{producerID: -1, producerEpoch: -1, sequence: -1, timestamp: 1_000, records: plainRecords(values...)})
	}

	// Produce.
	record := func(name string, r produced, err error) error {
		if err != nil {
			return err
		}
		out["produce."+name] = r
		return nil
	}
	steps := []struct {
		name      string
		topic     string
		partition int32
		acks      int16
		batch     []byte
	}{
		{"ok", small, 0, -1, batch("a", "b")},
		{"unknownTopic", e.topic("missing"), 0, -1, batch("a")},
		{"unknownPartition", small, 7, -1, batch("a")},
		{"oversized", small, 0, -1, batch(strings.Repeat("x", 3_000))},
		{"badCrc", small, 0, -1, encodeBatch(batchSpec{producerID: -1, producerEpoch: -1, sequence: -1, timestamp: 1_000, records: plainRecords("a"), corruptCRC: true})},
		{"badAcks", small, 0, 2, batch("a")},
		{"nullKeyOnCompacted", compacted, 0, -1, encodeBatch(batchSpec{producerID: -1, producerEpoch: -1, sequence: -1, timestamp: 1_000, records: []rec{{key: nil, value: []byte("v")}}})},
		{"keyedOnCompacted", compacted, 0, -1, batch("v")},
	}
	for _, s := range steps {
		r, err := produceRaw(ctx, b, s.topic, s.partition, s.acks, nil, s.batch)
		if err := record(s.name, r, err); err != nil {
			return nil, err
		}
	}

	// CreateTopics.
	creates := []struct {
		name        string
		topic       string
		partitions  int32
		replication int16
		configs     map[string]string
	}{
		{"invalidPolicy", e.topic("c1"), 1, -1, map[string]string{"cleanup.policy": "bogus"}},
		{"invalidNumber", e.topic("c2"), 1, -1, map[string]string{"retention.ms": "abc"}},
		{"unknownConfig", e.topic("c3"), 1, -1, map[string]string{"no.such.config": "1"}},
		{"zeroPartitions", e.topic("c4"), 0, -1, nil},
		{"replicationFactorAboveBrokers", e.topic("c5"), 1, 3, nil},
		{"exists", small, 1, -1, nil},
		{"badName", "bad name!", 1, -1, nil},
		{"dotName", ".", 1, -1, nil},
		{"longName", strings.Repeat("t", 250), 1, -1, nil},
	}
	for _, c := range creates {
		code, err := createTopic(ctx, b, c.topic, c.partitions, c.replication, c.configs)
		if err != nil {
			return nil, err
		}
		out["createTopics."+c.name] = code
	}

	// Fetch and ListOffsets.
	fetch := func(topic string, partition int32, offset int64) (string, error) {
		req := kmsg.NewPtrFetchRequest()
		req.ReplicaID = -1
		req.MaxWaitMillis = 10
		req.MaxBytes = 1 << 20
		req.SessionEpoch = -1
		t := kmsg.NewFetchRequestTopic()
		t.Topic = topic
		p := kmsg.NewFetchRequestTopicPartition()
		p.Partition = partition
		p.FetchOffset = offset
		p.PartitionMaxBytes = 1 << 20
		p.CurrentLeaderEpoch = -1
		t.Partitions = append(t.Partitions, p)
		req.Topics = append(req.Topics, t)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return "", err
		}
		if resp.ErrorCode != 0 {
			return errorName(resp.ErrorCode), nil
		}
		return errorName(resp.Topics[0].Partitions[0].ErrorCode), nil
	}
	for name, args := range map[string]struct {
		topic     string
		partition int32
		offset    int64
	}{
		"fetch.beyondEnd":        {small, 0, 100},
		"fetch.negativeOffset":   {small, 0, -5},
		"fetch.unknownTopic":     {e.topic("missing"), 0, 0},
		"fetch.unknownPartition": {small, 9, 0},
		"fetch.atHighWatermark":  {small, 0, 2},
	} {
		code, err := fetch(args.topic, args.partition, args.offset)
		if err != nil {
			return nil, err
		}
		out[name] = code
	}
	for name, args := range map[string]struct {
		topic     string
		partition int32
		timestamp int64
	}{
		"listOffsets.unknownPartition": {small, 9, -1},
		"listOffsets.unknownTopic":     {e.topic("missing"), 0, -1},
	} {
		code, _, err := listOffset(ctx, b, args.topic, args.partition, args.timestamp, 0)
		if err != nil {
			return nil, err
		}
		out[name] = code
	}

	// DeleteRecords.
	deleteRecords := func(topic string, partition int32, offset int64) (string, error) {
		req := kmsg.NewPtrDeleteRecordsRequest()
		req.TimeoutMillis = 5_000
		t := kmsg.NewDeleteRecordsRequestTopic()
		t.Topic = topic
		p := kmsg.NewDeleteRecordsRequestTopicPartition()
		p.Partition = partition
		p.Offset = offset
		t.Partitions = append(t.Partitions, p)
		req.Topics = append(req.Topics, t)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return "", err
		}
		return errorName(resp.Topics[0].Partitions[0].ErrorCode), nil
	}
	for name, args := range map[string]struct {
		topic     string
		partition int32
		offset    int64
	}{
		"deleteRecords.beyondHighWatermark": {small, 0, 50},
		"deleteRecords.unknownPartition":    {small, 9, 0},
		"deleteRecords.negative":            {small, 0, -7},
	} {
		code, err := deleteRecords(args.topic, args.partition, args.offset)
		if err != nil {
			return nil, err
		}
		out[name] = code
	}

	// Configs and partitions.
	{
		req := kmsg.NewPtrDescribeConfigsRequest()
		r := kmsg.NewDescribeConfigsRequestResource()
		r.ResourceType = kmsg.ConfigResourceTypeTopic
		r.ResourceName = e.topic("missing")
		req.Resources = append(req.Resources, r)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return nil, err
		}
		out["describeConfigs.unknownTopic"] = errorName(resp.Resources[0].ErrorCode)
	}
	alter := func(topic, name, value string) (string, error) {
		req := kmsg.NewPtrAlterConfigsRequest()
		r := kmsg.NewAlterConfigsRequestResource()
		r.ResourceType = kmsg.ConfigResourceTypeTopic
		r.ResourceName = topic
		c := kmsg.NewAlterConfigsRequestResourceConfig()
		c.Name = name
		c.Value = &value
		r.Configs = append(r.Configs, c)
		req.Resources = append(req.Resources, r)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return "", err
		}
		return errorName(resp.Resources[0].ErrorCode), nil
	}
	for name, args := range map[string][3]string{
		"alterConfigs.invalidValue":  {small, "retention.ms", "abc"},
		"alterConfigs.unknownConfig": {small, "no.such.config", "1"},
		"alterConfigs.unknownTopic":  {e.topic("missing"), "retention.ms", "1000"},
	} {
		code, err := alter(args[0], args[1], args[2])
		if err != nil {
			return nil, err
		}
		out[name] = code
	}
	createPartitions := func(topic string, count int32) (string, error) {
		req := kmsg.NewPtrCreatePartitionsRequest()
		req.TimeoutMillis = 5_000
		t := kmsg.NewCreatePartitionsRequestTopic()
		t.Topic = topic
		t.Count = count
		req.Topics = append(req.Topics, t)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return "", err
		}
		return errorName(resp.Topics[0].ErrorCode), nil
	}
	for name, args := range map[string]struct {
		topic string
		count int32
	}{
		"createPartitions.same":         {small, 1},
		"createPartitions.unknownTopic": {e.topic("missing"), 2},
	} {
		code, err := createPartitions(args.topic, args.count)
		if err != nil {
			return nil, err
		}
		out[name] = code
	}
	{
		req := kmsg.NewPtrDeleteTopicsRequest()
		req.TimeoutMillis = 5_000
		req.TopicNames = []string{e.topic("missing")}
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return nil, err
		}
		out["deleteTopics.unknown"] = errorName(resp.Topics[0].ErrorCode)
	}

	if err := groupErrors(ctx, e, b, out); err != nil {
		return nil, err
	}
	if err := transactionErrors(ctx, e, b, out); err != nil {
		return nil, err
	}
	return out, nil
}

// groupErrors: the group coordinator's answers to members it does not know, generations that
// are not the group's, and session timeouts outside the broker's bounds.
func groupErrors(ctx context.Context, e *env, b *kgo.Broker, out observations) error {
	group := e.topic("group")
	for _, g := range []string{group, e.topic("no-group"), e.topic("simple")} {
		if err := findCoordinator(ctx, b, g, 0); err != nil {
			return err
		}
	}
	join := func(memberID string, sessionMs int32) (*kmsg.JoinGroupResponse, error) {
		req := kmsg.NewPtrJoinGroupRequest()
		req.Group = group
		req.SessionTimeoutMillis = sessionMs
		req.RebalanceTimeoutMillis = 10_000
		req.MemberID = memberID
		req.ProtocolType = "consumer"
		p := kmsg.NewJoinGroupRequestProtocol()
		p.Name = "range"
		p.Metadata = (&kmsg.ConsumerMemberMetadata{Version: 0, Topics: []string{e.topic("small")}}).AppendTo(nil)
		req.Protocols = append(req.Protocols, p)
		return req.RequestWith(ctx, b)
	}
	tooShort, err := join("", 100)
	if err != nil {
		return err
	}
	out["joinGroup.sessionTooShort"] = errorName(tooShort.ErrorCode)
	tooLong, err := join("", 3_600_000)
	if err != nil {
		return err
	}
	out["joinGroup.sessionTooLong"] = errorName(tooLong.ErrorCode)
	first, err := join("", 10_000)
	if err != nil {
		return err
	}
	out["joinGroup.noMemberId"] = errorName(first.ErrorCode)
	out["joinGroup.noMemberId.assignsMemberId"] = first.MemberID != ""
	unknown, err := join("no-such-member", 10_000)
	if err != nil {
		return err
	}
	out["joinGroup.unknownMemberId"] = errorName(unknown.ErrorCode)
	joined, err := join(first.MemberID, 10_000)
	if err != nil {
		return err
	}
	out["joinGroup.withMemberId"] = errorName(joined.ErrorCode)
	out["joinGroup.generation"] = joined.Generation
	out["joinGroup.isLeader"] = joined.LeaderID == joined.MemberID
	out["joinGroup.protocol"] = joined.Protocol

	sync := func(memberID string, generation int32) (string, error) {
		req := kmsg.NewPtrSyncGroupRequest()
		req.Group = group
		req.Generation = generation
		req.MemberID = memberID
		a := kmsg.NewSyncGroupRequestGroupAssignment()
		a.MemberID = memberID
		a.MemberAssignment = []byte{}
		req.GroupAssignment = append(req.GroupAssignment, a)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return "", err
		}
		return errorName(resp.ErrorCode), nil
	}
	heartbeat := func(groupID, memberID string, generation int32) (string, error) {
		req := kmsg.NewPtrHeartbeatRequest()
		req.Group = groupID
		req.Generation = generation
		req.MemberID = memberID
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return "", err
		}
		return errorName(resp.ErrorCode), nil
	}
	commit := func(groupID, memberID string, generation int32) (string, error) {
		req := kmsg.NewPtrOffsetCommitRequest()
		req.Group = groupID
		req.Generation = generation
		req.MemberID = memberID
		req.RetentionTimeMillis = -1
		t := kmsg.NewOffsetCommitRequestTopic()
		t.Topic = e.topic("small")
		p := kmsg.NewOffsetCommitRequestTopicPartition()
		p.Partition = 0
		p.Offset = 1
		p.LeaderEpoch = -1
		t.Partitions = append(t.Partitions, p)
		req.Topics = append(req.Topics, t)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return "", err
		}
		return errorName(resp.Topics[0].Partitions[0].ErrorCode), nil
	}
	cases := []struct {
		name string
		run  func() (string, error)
	}{
		{"syncGroup.wrongGeneration", func() (string, error) { return sync(joined.MemberID, joined.Generation+5) }},
		{"syncGroup.unknownMember", func() (string, error) { return sync("no-such-member", joined.Generation) }},
		{"syncGroup.ok", func() (string, error) { return sync(joined.MemberID, joined.Generation) }},
		{"heartbeat.ok", func() (string, error) { return heartbeat(group, joined.MemberID, joined.Generation) }},
		{"heartbeat.wrongGeneration", func() (string, error) { return heartbeat(group, joined.MemberID, joined.Generation+5) }},
		{"heartbeat.unknownMember", func() (string, error) { return heartbeat(group, "no-such-member", joined.Generation) }},
		{"heartbeat.unknownGroup", func() (string, error) { return heartbeat(e.topic("no-group"), "m", 1) }},
		{"offsetCommit.wrongGeneration", func() (string, error) { return commit(group, joined.MemberID, joined.Generation+5) }},
		{"offsetCommit.unknownMember", func() (string, error) { return commit(group, "no-such-member", joined.Generation) }},
		{"offsetCommit.member", func() (string, error) { return commit(group, joined.MemberID, joined.Generation) }},
		{"offsetCommit.simpleToActiveGroup", func() (string, error) { return commit(group, "", -1) }},
		{"offsetCommit.simpleToNewGroup", func() (string, error) { return commit(e.topic("simple"), "", -1) }},
		{"offsetCommit.generationToUnknownGroup", func() (string, error) { return commit(e.topic("no-group"), "m", 3) }},
	}
	for _, c := range cases {
		code, err := c.run()
		if err != nil {
			return err
		}
		out[c.name] = code
	}
	leave := func(memberID string) (string, string, error) {
		req := kmsg.NewPtrLeaveGroupRequest()
		req.Group = group
		m := kmsg.NewLeaveGroupRequestMember()
		m.MemberID = memberID
		req.Members = append(req.Members, m)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return "", "", err
		}
		member := "NONE"
		if len(resp.Members) > 0 {
			member = errorName(resp.Members[0].ErrorCode)
		}
		return errorName(resp.ErrorCode), member, nil
	}
	top, member, err := leave("no-such-member")
	if err != nil {
		return err
	}
	out["leaveGroup.unknownMember"] = []string{top, member}
	top, member, err = leave(joined.MemberID)
	if err != nil {
		return err
	}
	out["leaveGroup.member"] = []string{top, member}
	deleteGroups := func(groups ...string) ([]string, error) {
		req := kmsg.NewPtrDeleteGroupsRequest()
		req.Groups = groups
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return nil, err
		}
		codes := []string{}
		for _, g := range resp.Groups {
			codes = append(codes, errorName(g.ErrorCode))
		}
		return codes, nil
	}
	codes, err := deleteGroups(e.topic("no-group"))
	if err != nil {
		return err
	}
	out["deleteGroups.unknown"] = codes
	codes, err = deleteGroups(group)
	if err != nil {
		return err
	}
	out["deleteGroups.emptyWithOffsets"] = codes
	return nil
}

// transactionErrors: fencing by epoch, transactional writes outside a transaction, and
// EndTxn in the wrong state, for transactional and idempotent producers.
func transactionErrors(ctx context.Context, e *env, b *kgo.Broker, out observations) error {
	topic := e.topic("txn")
	if err := mustCreate(ctx, e.client, b, topic, 2, nil); err != nil {
		return err
	}
	txnID := e.topic("tid")
	tooLong, code, err := initProducerID(ctx, b, strptr(txnID+"-long"), 3_600_000)
	_ = tooLong
	if err != nil {
		return err
	}
	out["initProducerId.timeoutAboveMax"] = code
	old, code, err := initProducerID(ctx, b, &txnID, 30_000)
	if err != nil {
		return err
	}
	out["initProducerId.first"] = []any{code, old.Epoch}
	current, code, err := initProducerID(ctx, b, &txnID, 30_000)
	if err != nil {
		return err
	}
	out["initProducerId.second"] = []any{code, current.Epoch - old.Epoch, current.ID == old.ID}

	txBatch := func(pid producerID, sequence int32, values ...string) []byte {
		return encodeBatch(batchSpec{producerID: pid.ID, producerEpoch: pid.Epoch, sequence: sequence, transactional: true, timestamp: 2_000, records: plainRecords(values...)})
	}
	steps := []struct {
		name string
		run  func() (any, error)
	}{
		{"addPartitions.staleEpoch", func() (any, error) { return addPartitions(ctx, b, txnID, old, topic, 0) }},
		{"addPartitions.unknownTopic", func() (any, error) { return addPartitions(ctx, b, txnID, current, e.topic("missing"), 0) }},
		{"addPartitions.ok", func() (any, error) { return addPartitions(ctx, b, txnID, current, topic, 0) }},
		{"produce.txnStaleEpoch", func() (any, error) {
			return produceRaw(ctx, b, topic, 0, -1, &txnID, txBatch(old, 0, "stale"))
		}},
		{"produce.txnNotInTransaction", func() (any, error) {
			return produceRaw(ctx, b, topic, 1, -1, &txnID, txBatch(current, 0, "outside"))
		}},
		{"produce.txnOk", func() (any, error) { return produceRaw(ctx, b, topic, 0, -1, &txnID, txBatch(current, 0, "in")) }},
		{"endTxn.staleEpoch", func() (any, error) { return endTxn(ctx, b, txnID, old, true) }},
		{"endTxn.commit", func() (any, error) { return endTxn(ctx, b, txnID, current, true) }},
		{"endTxn.commitWithoutTransaction", func() (any, error) { return endTxn(ctx, b, txnID, current, true) }},
		{"endTxn.abortWithoutTransaction", func() (any, error) { return endTxn(ctx, b, txnID, current, false) }},
		{"endTxn.unknownTransactionalId", func() (any, error) {
			if err := findCoordinator(ctx, b, e.topic("no-tid"), 1); err != nil {
				return nil, err
			}
			return endTxn(ctx, b, e.topic("no-tid"), current, true)
		}},
	}
	for _, s := range steps {
		value, err := s.run()
		if err != nil {
			return err
		}
		out[s.name] = value
	}
	return nil
}
