package main

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// errorName is the protocol name of an error code, "NONE" for 0.
func errorName(code int16) string {
	if code == 0 {
		return "NONE"
	}
	if err := kerr.ErrorForCode(code); err != nil {
		if e, ok := err.(*kerr.Error); ok {
			return e.Message
		}
		return err.Error()
	}
	return fmt.Sprintf("CODE_%d", code)
}

// broker is the single node both brokers run in the conformance suite.
func broker(ctx context.Context, cl *kgo.Client) (*kgo.Broker, error) {
	req := kmsg.NewPtrMetadataRequest()
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, err
	}
	if len(resp.Brokers) != 1 {
		return nil, fmt.Errorf("the conformance suite expects one broker, metadata lists %d", len(resp.Brokers))
	}
	return cl.Broker(int(resp.Brokers[0].NodeID)), nil
}

type produced struct {
	Error  string `json:"error"`
	Offset *int64 `json:"offset,omitempty"`
}

func produceRaw(ctx context.Context, b *kgo.Broker, topic string, partition int32, acks int16, txnID *string, batch []byte) (produced, error) {
	req := kmsg.NewPtrProduceRequest()
	req.Acks = acks
	req.TimeoutMillis = 10_000
	req.TransactionID = txnID
	t := kmsg.NewProduceRequestTopic()
	t.Topic = topic
	p := kmsg.NewProduceRequestTopicPartition()
	p.Partition = partition
	p.Records = batch
	t.Partitions = append(t.Partitions, p)
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, b)
	if err != nil {
		return produced{}, err
	}
	if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 {
		return produced{}, fmt.Errorf("produce answered %d topics", len(resp.Topics))
	}
	rp := resp.Topics[0].Partitions[0]
	out := produced{Error: errorName(rp.ErrorCode)}
	if rp.ErrorCode == 0 {
		offset := rp.BaseOffset
		out.Offset = &offset
	}
	return out, nil
}

func createTopic(ctx context.Context, b *kgo.Broker, name string, partitions int32, replication int16, configs map[string]string) (string, error) {
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 10_000
	t := kmsg.NewCreateTopicsRequestTopic()
	t.Topic = name
	t.NumPartitions = partitions
	t.ReplicationFactor = replication
	for k, v := range configs {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		c.Name = k
		value := v
		c.Value = &value
		t.Configs = append(t.Configs, c)
	}
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, b)
	if err != nil {
		return "", err
	}
	return errorName(resp.Topics[0].ErrorCode), nil
}

// mustCreate creates a topic and waits until the broker's metadata lists it with leaders.
func mustCreate(ctx context.Context, cl *kgo.Client, b *kgo.Broker, name string, partitions int32, configs map[string]string) error {
	code, err := createTopic(ctx, b, name, partitions, -1, configs)
	if err != nil {
		return err
	}
	if code != "NONE" {
		return fmt.Errorf("creating %s: %s", name, code)
	}
	return waitForTopic(ctx, b, name)
}

func waitForTopic(ctx context.Context, b *kgo.Broker, name string) error {
	for {
		req := kmsg.NewPtrMetadataRequest()
		rt := kmsg.NewMetadataRequestTopic()
		topic := name
		rt.Topic = &topic
		req.Topics = append(req.Topics, rt)
		resp, err := req.RequestWith(ctx, b)
		if err == nil && len(resp.Topics) == 1 && resp.Topics[0].ErrorCode == 0 {
			ready := len(resp.Topics[0].Partitions) > 0
			for _, p := range resp.Topics[0].Partitions {
				if p.Leader < 0 {
					ready = false
				}
			}
			// The leader may take a moment to become one after the controller named it.
			for _, p := range resp.Topics[0].Partitions {
				if code, _, err := listOffset(ctx, b, name, p.Partition, -1, 0); err != nil || code != "NONE" {
					ready = false
				}
			}
			if ready {
				return nil
			}
		}
		if err := sleep(ctx, 50); err != nil {
			return fmt.Errorf("waiting for %s: %w", name, err)
		}
	}
}

type producerID struct {
	ID    int64
	Epoch int16
}

func initProducerID(ctx context.Context, b *kgo.Broker, txnID *string, timeoutMs int32) (producerID, string, error) {
	if txnID != nil {
		if err := findCoordinator(ctx, b, *txnID, 1); err != nil {
			return producerID{}, "", err
		}
	}
	req := kmsg.NewPtrInitProducerIDRequest()
	req.TransactionalID = txnID
	req.TransactionTimeoutMillis = timeoutMs
	for {
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return producerID{}, "", err
		}
		// A coordinator still loading or aborting the id's earlier transaction asks to retry.
		if coordinatorMoving(resp.ErrorCode) {
			if err := sleep(ctx, 50); err != nil {
				return producerID{}, "", err
			}
			continue
		}
		return producerID{resp.ProducerID, resp.ProducerEpoch}, errorName(resp.ErrorCode), nil
	}
}

func addPartitions(ctx context.Context, b *kgo.Broker, txnID string, pid producerID, topic string, partitions ...int32) (string, error) {
	req := kmsg.NewPtrAddPartitionsToTxnRequest()
	req.TransactionalID = txnID
	req.ProducerID = pid.ID
	req.ProducerEpoch = pid.Epoch
	t := kmsg.NewAddPartitionsToTxnRequestTopic()
	t.Topic = topic
	t.Partitions = partitions
	req.Topics = append(req.Topics, t)
	for {
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return "", err
		}
		code := resp.Topics[0].Partitions[0].ErrorCode
		if coordinatorMoving(code) {
			if err := sleep(ctx, 50); err != nil {
				return "", err
			}
			continue
		}
		return errorName(code), nil
	}
}

func endTxn(ctx context.Context, b *kgo.Broker, txnID string, pid producerID, commit bool) (string, error) {
	req := kmsg.NewPtrEndTxnRequest()
	req.TransactionalID = txnID
	req.ProducerID = pid.ID
	req.ProducerEpoch = pid.Epoch
	req.Commit = commit
	for {
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return "", err
		}
		if coordinatorMoving(resp.ErrorCode) {
			if err := sleep(ctx, 50); err != nil {
				return "", err
			}
			continue
		}
		return errorName(resp.ErrorCode), nil
	}
}

func listOffset(ctx context.Context, b *kgo.Broker, topic string, partition int32, timestamp int64, isolation int8) (string, int64, error) {
	req := kmsg.NewPtrListOffsetsRequest()
	req.ReplicaID = -1
	req.IsolationLevel = isolation
	t := kmsg.NewListOffsetsRequestTopic()
	t.Topic = topic
	p := kmsg.NewListOffsetsRequestTopicPartition()
	p.Partition = partition
	p.Timestamp = timestamp
	p.CurrentLeaderEpoch = -1
	t.Partitions = append(t.Partitions, p)
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, b)
	if err != nil {
		return "", 0, err
	}
	rp := resp.Topics[0].Partitions[0]
	return errorName(rp.ErrorCode), rp.Offset, nil
}

func strptr(s string) *string { return &s }

func sleep(ctx context.Context, ms int) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Duration(ms) * time.Millisecond):
		return nil
	}
}

// findCoordinator asks for the group's (keyType 0) or transactional id's (1) coordinator until
// it is available, as every client does before talking to one: a fresh broker creates the
// internal topic on the first request and answers COORDINATOR_NOT_AVAILABLE meanwhile.
func findCoordinator(ctx context.Context, b *kgo.Broker, key string, keyType int8) error {
	for {
		req := kmsg.NewPtrFindCoordinatorRequest()
		req.CoordinatorKey = key
		req.CoordinatorType = keyType
		resp, err := req.RequestWith(ctx, b)
		if err != nil {
			return err
		}
		if resp.ErrorCode == 0 && (keyType != 0 || groupCoordinatorLoaded(ctx, b, key)) {
			return nil
		}
		if err := sleep(ctx, 100); err != nil {
			return fmt.Errorf("no coordinator for %s: %s", key, errorName(resp.ErrorCode))
		}
	}
}

// groupCoordinatorLoaded: a coordinator found may still be loading its partition of
// __consumer_offsets (NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS meanwhile).
func groupCoordinatorLoaded(ctx context.Context, b *kgo.Broker, group string) bool {
	req := kmsg.NewPtrDescribeGroupsRequest()
	req.Groups = []string{group}
	resp, err := req.RequestWith(ctx, b)
	return err == nil && len(resp.Groups) == 1 && !coordinatorMoving(resp.Groups[0].ErrorCode)
}

// coordinatorMoving: answers a client retries after finding the coordinator again.
func coordinatorMoving(code int16) bool {
	return code == kerr.NotCoordinator.Code || code == kerr.CoordinatorLoadInProgress.Code ||
		code == kerr.CoordinatorNotAvailable.Code || code == kerr.ConcurrentTransactions.Code
}
