package main

import (
	"github.com/twmb/franz-go/pkg/kversion"
)

// The version of each request: one that both the embedded broker and Apache Kafka 3.9 and 4.x
// serve (Kafka 4 removed the oldest ones, KIP-896), and the one kafkajs or librdkafka sends
// where they send one, so that error codes are those such clients see.
var pinned = map[int16]int16{
	0:  7,  // Produce
	1:  11, // Fetch
	2:  3,  // ListOffsets
	3:  6,  // Metadata
	8:  7,  // OffsetCommit
	9:  5,  // OffsetFetch
	10: 2,  // FindCoordinator
	11: 5,  // JoinGroup
	12: 3,  // Heartbeat
	13: 3,  // LeaveGroup
	14: 3,  // SyncGroup
	15: 4,  // DescribeGroups
	16: 2,  // ListGroups
	18: 3,  // ApiVersions
	19: 4,  // CreateTopics
	20: 3,  // DeleteTopics
	21: 1,  // DeleteRecords
	22: 1,  // InitProducerId
	24: 1,  // AddPartitionsToTxn
	25: 1,  // AddOffsetsToTxn
	26: 1,  // EndTxn
	28: 2,  // TxnOffsetCommit
	32: 3,  // DescribeConfigs
	33: 1,  // AlterConfigs
	37: 1,  // CreatePartitions
	42: 1,  // DeleteGroups
	44: 0,  // IncrementalAlterConfigs
	47: 0,  // OffsetDelete
	60: 0,  // DescribeCluster
}

func pinnedVersions() *kversion.Versions {
	v := kversion.Stable()
	v.EachMaxKeyVersion(func(k, _ int16) {
		if _, ok := pinned[k]; !ok {
			v.SetMaxKeyVersion(k, -1)
		}
	})
	for k, version := range pinned {
		v.SetMaxKeyVersion(k, version)
	}
	return v
}
