package main

import (
	"context"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// timestampsScenario: ListOffsets by timestamp over records whose timestamps are not in offset
// order, in one batch and across batches, and the special timestamps -1 and -2.
func timestampsScenario(ctx context.Context, e *env) (observations, error) {
	b, err := broker(ctx, e.client)
	if err != nil {
		return nil, err
	}
	topic := e.topic("ts")
	if err := mustCreate(ctx, e.client, b, topic, 1, nil); err != nil {
		return nil, err
	}
	batches := []batchSpec{
		{timestamp: 1_000, records: []rec{{value: []byte("t1000")}, {value: []byte("t1500"), tsDelta: 500}}},
		{timestamp: 3_000, records: []rec{{value: []byte("t3000")}}},
		{timestamp: 2_000, records: []rec{{value: []byte("t2000")}}},
		{timestamp: 5_000, records: []rec{{value: []byte("t5000")}, {value: []byte("t4000"), tsDelta: -1_000}}},
	}
	for _, spec := range batches {
		spec.producerID, spec.producerEpoch, spec.sequence = -1, -1, -1
		r, err := produceRaw(ctx, b, topic, 0, -1, nil, encodeBatch(spec))
		if err != nil {
			return nil, err
		}
		if r.Error != "NONE" {
			return nil, fmt.Errorf("produce: %s", r.Error)
		}
	}
	out := observations{}
	for _, ts := range []int64{0, 999, 1_000, 1_001, 1_500, 1_600, 2_000, 2_500, 3_000, 4_000, 4_500, 5_000, 5_001, -1, -2} {
		code, offset, err := listOffset(ctx, b, topic, 0, ts, 0)
		if err != nil {
			return nil, err
		}
		out[fmt.Sprintf("listOffsets.%d", ts)] = []any{code, offset}
	}
	return out, nil
}

// deleteRecordsScenario: DeleteRecords moves the log start; fetches and ListOffsets follow it.
func deleteRecordsScenario(ctx context.Context, e *env) (observations, error) {
	b, err := broker(ctx, e.client)
	if err != nil {
		return nil, err
	}
	topic := e.topic("dr")
	if err := mustCreate(ctx, e.client, b, topic, 2, nil); err != nil {
		return nil, err
	}
	for partition := int32(0); partition < 2; partition++ {
		for i := 0; i < 5; i++ {
			values := []string{fmt.Sprintf("p%d-%d", partition, 2*i), fmt.Sprintf("p%d-%d", partition, 2*i+1)}
			r, err := produceRaw(ctx, b, topic, partition, -1, nil, encodeBatch(batchSpec{producerID: -1, producerEpoch: -1, sequence: -1, timestamp: 6_000, records: plainRecords(values...)}))
			if err != nil {
				return nil, err
			}
			if r.Error != "NONE" {
				return nil, fmt.Errorf("produce: %s", r.Error)
			}
		}
	}
	out := observations{}
	del := func(stage string, offsets map[int32]int64) error {
		req := kmsg.NewPtrDeleteRecordsRequest()
		req.TimeoutMillis = 5_000
		t := kmsg.NewDeleteRecordsRequestTopic()
		t.Topic = topic
		for partition, offset := range offsets {
			p := kmsg.NewDeleteRecordsRequestTopicPartition()
			p.Partition = partition
			p.Offset = offset
			t.Partitions = append(t.Partitions, p)
		}
		req.Topics = append(req.Topics, t)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return err
		}
		answers := map[string]any{}
		for _, p := range resp.Topics[0].Partitions {
			answers[fmt.Sprint(p.Partition)] = []any{errorName(p.ErrorCode), p.LowWatermark}
		}
		out[stage] = answers
		return nil
	}
	if err := del("delete.middle", map[int32]int64{0: 3, 1: 7}); err != nil {
		return nil, err
	}
	if err := del("delete.backwards", map[int32]int64{0: 1}); err != nil {
		return nil, err
	}
	if err := del("delete.toHighWatermark", map[int32]int64{1: -1}); err != nil {
		return nil, err
	}
	for partition := int32(0); partition < 2; partition++ {
		_, earliest, err := listOffset(ctx, b, topic, partition, -2, 0)
		if err != nil {
			return nil, err
		}
		_, latest, err := listOffset(ctx, b, topic, partition, -1, 0)
		if err != nil {
			return nil, err
		}
		code, byTime, err := listOffset(ctx, b, topic, partition, 0, 0)
		if err != nil {
			return nil, err
		}
		out[fmt.Sprintf("listOffsets.%d", partition)] = map[string]any{"earliest": earliest, "latest": latest, "byTimestamp0": []any{code, byTime}}
		fetched, err := fetchFrom(ctx, b, topic, partition, earliest)
		if err != nil {
			return nil, err
		}
		out[fmt.Sprintf("fetch.fromEarliest.%d", partition)] = fetched
		before, err := fetchFrom(ctx, b, topic, partition, 0)
		if err != nil {
			return nil, err
		}
		out[fmt.Sprintf("fetch.beforeLogStart.%d", partition)] = before
	}
	return out, nil
}

func fetchFrom(ctx context.Context, b *kgo.Broker, topic string, partition int32, offset int64) (map[string]any, error) {
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
	p.LogStartOffset = -1
	t.Partitions = append(t.Partitions, p)
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, b)
	if err != nil {
		return nil, err
	}
	rp := &resp.Topics[0].Partitions[0]
	fp, _ := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{Offset: offset, Topic: topic, Partition: partition}, rp, kgo.DefaultDecompressor(), nil)
	offsets := []int64{}
	for _, r := range fp.Records {
		offsets = append(offsets, r.Offset)
	}
	return map[string]any{"error": errorName(rp.ErrorCode), "logStartOffset": rp.LogStartOffset, "highWatermark": rp.HighWatermark, "offsets": offsets}, nil
}

// describesScenario: what admin describes answer for a topic with overrides and one without:
// configs with their sources, partitions and replicas, and the cluster.
func describesScenario(ctx context.Context, e *env) (observations, error) {
	b, err := broker(ctx, e.client)
	if err != nil {
		return nil, err
	}
	plain := e.topic("plain")
	custom := e.topic("custom")
	if err := mustCreate(ctx, e.client, b, plain, 3, nil); err != nil {
		return nil, err
	}
	if err := mustCreate(ctx, e.client, b, custom, 2, map[string]string{"cleanup.policy": "compact", "retention.ms": "86400000", "min.compaction.lag.ms": "1000"}); err != nil {
		return nil, err
	}
	out := observations{}
	// Every topic config of Kafka 3.9 and 4.x: a broker leaves out the ones it does not know.
	names := []string{"cleanup.policy", "compression.gzip.level", "compression.lz4.level", "compression.type",
		"compression.zstd.level", "delete.retention.ms", "errors.deadletterqueue.group.enable", "file.delete.delay.ms",
		"flush.messages", "flush.ms", "follower.replication.throttled.replicas", "index.interval.bytes",
		"leader.replication.throttled.replicas", "local.retention.bytes", "local.retention.ms", "max.compaction.lag.ms",
		"max.decompressed.message.bytes", "max.message.bytes", "message.downconversion.enable", "message.format.version",
		"message.timestamp.after.max.ms", "message.timestamp.before.max.ms", "message.timestamp.difference.max.ms",
		"message.timestamp.type", "min.cleanable.dirty.ratio", "min.compaction.lag.ms", "min.insync.replicas",
		"preallocate", "remote.copy.lag.bytes", "remote.copy.lag.ms", "remote.log.copy.disable",
		"remote.log.delete.on.disable", "remote.storage.enable", "retention.bytes", "retention.ms", "segment.bytes",
		"segment.index.bytes", "segment.jitter.ms", "segment.ms", "unclean.leader.election.enable"}
	for _, topic := range []string{plain, custom} {
		req := kmsg.NewPtrDescribeConfigsRequest()
		req.IncludeSynonyms = true
		r := kmsg.NewDescribeConfigsRequestResource()
		r.ResourceType = kmsg.ConfigResourceTypeTopic
		r.ResourceName = topic
		r.ConfigNames = names
		req.Resources = append(req.Resources, r)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return nil, err
		}
		configs := map[string]any{}
		for _, c := range resp.Resources[0].Configs {
			value := "<null>"
			if c.Value != nil {
				value = *c.Value
			}
			synonyms := []string{}
			for _, s := range c.ConfigSynonyms {
				synonyms = append(synonyms, fmt.Sprintf("%s:%s", s.Name, s.Source))
			}
			configs[c.Name] = map[string]any{"value": value, "source": c.Source.String(), "readOnly": c.ReadOnly, "sensitive": c.IsSensitive, "synonyms": synonyms}
		}
		out["describeConfigs."+topic[len(e.prefix)+1:]] = map[string]any{"error": errorName(resp.Resources[0].ErrorCode), "configs": configs}
	}
	{
		req := kmsg.NewPtrDescribeConfigsRequest()
		r := kmsg.NewDescribeConfigsRequestResource()
		r.ResourceType = kmsg.ConfigResourceTypeTopic
		r.ResourceName = plain
		req.Resources = append(req.Resources, r)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return nil, err
		}
		all := []string{}
		for _, c := range resp.Resources[0].Configs {
			all = append(all, c.Name)
		}
		sort.Strings(all)
		out["describeConfigs.allNames"] = all
	}
	{
		req := kmsg.NewPtrMetadataRequest()
		for _, topic := range []string{plain, custom} {
			rt := kmsg.NewMetadataRequestTopic()
			name := topic
			rt.Topic = &name
			req.Topics = append(req.Topics, rt)
		}
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return nil, err
		}
		topics := map[string]any{}
		for _, t := range resp.Topics {
			partitions := []any{}
			sort.Slice(t.Partitions, func(i, j int) bool { return t.Partitions[i].Partition < t.Partitions[j].Partition })
			for _, p := range t.Partitions {
				partitions = append(partitions, map[string]any{"partition": p.Partition, "error": errorName(p.ErrorCode), "replicas": len(p.Replicas), "isr": len(p.ISR), "offline": len(p.OfflineReplicas), "leaderIsReplica": len(p.Replicas) == 1 && p.Replicas[0] == p.Leader})
			}
			topics[(*t.Topic)[len(e.prefix)+1:]] = map[string]any{"error": errorName(t.ErrorCode), "internal": t.IsInternal, "partitions": partitions}
		}
		out["metadata.topics"] = topics
		out["metadata.brokers"] = len(resp.Brokers)
		out["metadata.controllerIsBroker"] = len(resp.Brokers) == 1 && resp.ControllerID == resp.Brokers[0].NodeID
		out["metadata.clusterIdSet"] = resp.ClusterID != nil && *resp.ClusterID != ""
	}
	{
		req := kmsg.NewPtrDescribeClusterRequest()
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return nil, err
		}
		out["describeCluster"] = map[string]any{"error": errorName(resp.ErrorCode), "brokers": len(resp.Brokers), "controllerIsBroker": len(resp.Brokers) == 1 && resp.ControllerID == resp.Brokers[0].NodeID}
	}
	{
		code, err := createTopic(ctx, b, plain, 1, -1, nil)
		if err != nil {
			return nil, err
		}
		out["createTopics.again"] = code
		req := kmsg.NewPtrCreatePartitionsRequest()
		req.TimeoutMillis = 5_000
		t := kmsg.NewCreatePartitionsRequestTopic()
		t.Topic = plain
		t.Count = 5
		req.Topics = append(req.Topics, t)
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return nil, err
		}
		out["createPartitions.grow"] = errorName(resp.Topics[0].ErrorCode)
		if err := waitForPartitions(ctx, b, plain, 5); err != nil {
			return nil, err
		}
		out["createPartitions.partitionsAfter"] = 5
	}
	return out, nil
}

func waitForPartitions(ctx context.Context, b *kgo.Broker, topic string, count int) error {
	for {
		req := kmsg.NewPtrMetadataRequest()
		rt := kmsg.NewMetadataRequestTopic()
		name := topic
		rt.Topic = &name
		req.Topics = append(req.Topics, rt)
		resp, err := req.RequestWith(ctx, b)
		if err == nil && len(resp.Topics) == 1 && len(resp.Topics[0].Partitions) == count {
			return nil
		}
		if err := sleep(ctx, 50); err != nil {
			return fmt.Errorf("%s never had %d partitions", topic, count)
		}
	}
}
