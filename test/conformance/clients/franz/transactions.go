package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// transactionsScenario writes plain records around a committed, an aborted and an open
// transaction, and records what fetches at both isolation levels return: records, markers,
// the high watermark, the last stable offset and the aborted transactions list.
func transactionsScenario(ctx context.Context, e *env) (observations, error) {
	b, err := broker(ctx, e.client)
	if err != nil {
		return nil, err
	}
	topic := e.topic("tx")
	if err := mustCreate(ctx, e.client, b, topic, 1, nil); err != nil {
		return nil, err
	}
	out := observations{}
	pids := producerNames{}
	plain := func(values ...string) error {
		r, err := produceRaw(ctx, b, topic, 0, -1, nil, encodeBatch(batchSpec{producerID: -1, producerEpoch: -1, sequence: -1, timestamp: 3_000, records: plainRecords(values...)}))
		if err == nil && r.Error != "NONE" {
			err = fmt.Errorf("plain produce: %s", r.Error)
		}
		return err
	}
	type txn struct {
		id  string
		pid producerID
	}
	begin := func(name string, values ...string) (txn, error) {
		id := e.topic(name)
		pid, code, err := initProducerID(ctx, b, &id, 60_000)
		if err != nil || code != "NONE" {
			return txn{}, fmt.Errorf("init %s: %v %s", name, err, code)
		}
		pids.name(pid.ID)
		if code, err := addPartitions(ctx, b, id, pid, topic, 0); err != nil || code != "NONE" {
			return txn{}, fmt.Errorf("add partitions %s: %v %s", name, err, code)
		}
		r, err := produceRaw(ctx, b, topic, 0, -1, &id, encodeBatch(batchSpec{producerID: pid.ID, producerEpoch: pid.Epoch, sequence: 0, transactional: true, timestamp: 3_000, records: plainRecords(values...)}))
		if err == nil && r.Error != "NONE" {
			err = fmt.Errorf("txn produce %s: %s", name, r.Error)
		}
		return txn{id, pid}, err
	}
	end := func(t txn, commit bool) error {
		_, before, err := listOffset(ctx, b, topic, 0, -1, 0)
		if err != nil {
			return err
		}
		code, err := endTxn(ctx, b, t.id, t.pid, commit)
		if err == nil && code != "NONE" {
			err = fmt.Errorf("end %s: %s", t.id, code)
		}
		if err != nil {
			return err
		}
		// Kafka writes the markers after it answers EndTxn: wait for this one, so that the
		// next record's offset does not depend on how fast the coordinator is.
		return waitForHighWatermark(ctx, b, topic, 0, before+1)
	}

	if err := plain("p0", "p1"); err != nil {
		return nil, err
	}
	a, err := begin("a", "a0", "a1")
	if err != nil {
		return nil, err
	}
	if err := end(a, true); err != nil {
		return nil, err
	}
	bt, err := begin("b", "b0")
	if err != nil {
		return nil, err
	}
	if err := end(bt, false); err != nil {
		return nil, err
	}
	if err := plain("p2"); err != nil {
		return nil, err
	}
	c, err := begin("c", "c0")
	if err != nil {
		return nil, err
	}
	if err := plain("p3"); err != nil {
		return nil, err
	}

	observe := func(stage string) error {
		for _, level := range []int8{0, 1} {
			name := map[int8]string{0: "readUncommitted", 1: "readCommitted"}[level]
			_, latest, err := listOffset(ctx, b, topic, 0, -1, level)
			if err != nil {
				return err
			}
			_, earliest, err := listOffset(ctx, b, topic, 0, -2, level)
			if err != nil {
				return err
			}
			out[stage+".listOffsets."+name] = map[string]int64{"earliest": earliest, "latest": latest}
			fetched, err := fetchAll(ctx, b, topic, 0, level, pids)
			if err != nil {
				return err
			}
			out[stage+".fetch."+name] = fetched
		}
		return nil
	}
	if err := observe("open"); err != nil {
		return nil, err
	}
	if err := end(c, true); err != nil {
		return nil, err
	}
	if err := observe("closed"); err != nil {
		return nil, err
	}
	return out, nil
}

func waitForHighWatermark(ctx context.Context, b *kgo.Broker, topic string, partition int32, atLeast int64) error {
	for {
		_, latest, err := listOffset(ctx, b, topic, partition, -1, 0)
		if err != nil {
			return err
		}
		if latest >= atLeast {
			return nil
		}
		if err := sleep(ctx, 20); err != nil {
			return fmt.Errorf("the high watermark of %s-%d stayed below %d", topic, partition, atLeast)
		}
	}
}

// producerNames turns producer ids, which each broker hands out its own way, into "producer-N"
// in order of first appearance.
type producerNames map[int64]string

func (p producerNames) name(id int64) string {
	if id < 0 {
		return "none"
	}
	if name, ok := p[id]; ok {
		return name
	}
	name := fmt.Sprintf("producer-%d", len(p)+1)
	p[id] = name
	return name
}

type fetchedRecord struct {
	Offset  int64  `json:"offset"`
	Value   string `json:"value,omitempty"`
	Control string `json:"control,omitempty"`
}

type fetchObservation struct {
	Error              string          `json:"error"`
	HighWatermark      int64           `json:"highWatermark"`
	LastStableOffset   int64           `json:"lastStableOffset"`
	LogStartOffset     int64           `json:"logStartOffset"`
	AbortedTransaction []string        `json:"abortedTransactions"`
	Records            []fetchedRecord `json:"records"`
}

// fetchAll fetches from offset 0 until a fetch returns nothing new, as a consumer would,
// keeping the first response's partition fields.
func fetchAll(ctx context.Context, b *kgo.Broker, topic string, partition int32, isolation int8, pids producerNames) (fetchObservation, error) {
	var out fetchObservation
	offset := int64(0)
	for round := 0; round < 20; round++ {
		req := kmsg.NewPtrFetchRequest()
		req.ReplicaID = -1
		req.MaxWaitMillis = 10
		req.MaxBytes = 1 << 20
		req.IsolationLevel = isolation
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
			return out, err
		}
		rp := &resp.Topics[0].Partitions[0]
		if round == 0 {
			out.Error = errorName(rp.ErrorCode)
			out.HighWatermark = rp.HighWatermark
			out.LastStableOffset = rp.LastStableOffset
			out.LogStartOffset = rp.LogStartOffset
			out.AbortedTransaction = []string{}
		}
		// Brokers cut fetches at different places (Kafka may stop a read at a stale position of
		// the last stable offset): what a consumer learns is the union over its fetches.
		for _, a := range rp.AbortedTransactions {
			name := fmt.Sprintf("%s@%d", pids.name(a.ProducerID), a.FirstOffset)
			if !slices.Contains(out.AbortedTransaction, name) {
				out.AbortedTransaction = append(out.AbortedTransaction, name)
			}
		}
		opts := kgo.ProcessFetchPartitionOpts{KeepControlRecords: true, Offset: offset, IsolationLevel: kgo.ReadUncommitted(), Topic: topic, Partition: partition}
		if isolation == 1 {
			opts.IsolationLevel = kgo.ReadCommitted()
		}
		fp, next := kgo.ProcessFetchPartition(opts, rp, kgo.DefaultDecompressor(), nil)
		if fp.Err != nil && round == 0 {
			return out, nil
		}
		for _, r := range fp.Records {
			fr := fetchedRecord{Offset: r.Offset}
			if r.Attrs.IsControl() {
				fr.Control = controlType(r.Key)
			} else {
				fr.Value = string(r.Value)
			}
			out.Records = append(out.Records, fr)
		}
		if next <= offset {
			break
		}
		offset = next
	}
	return out, nil
}

func controlType(key []byte) string {
	if len(key) >= 4 {
		switch int16(key[2])<<8 | int16(key[3]) {
		case 0:
			return "abort"
		case 1:
			return "commit"
		}
	}
	return "unknown"
}
