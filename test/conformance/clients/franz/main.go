// franz-conformance runs one conformance scenario with franz-go, a strict Go client, against a
// broker and prints what the client observed as one JSON object on stdout. The conformance
// suite (test/conformance) runs it against the embedded broker and against Apache Kafka and
// compares the two outputs.
//
//	franz-conformance <scenario> <bootstrap> <prefix>
//
// Every request goes at one pinned version (versions.go) that both brokers serve, so that the
// two brokers are asked exactly the same thing; <prefix> names the scenario's topics and groups.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

type observations map[string]any

type scenario func(ctx context.Context, env *env) (observations, error)

var scenarios = map[string]scenario{
	"errors":          errorsScenario,
	"transactions":    transactionsScenario,
	"transactions-v2": transactionsV2Scenario,
	"idempotence":     idempotenceScenario,
	"timestamps":      timestampsScenario,
	"delete-records":  deleteRecordsScenario,
	"describes":       describesScenario,
	"groups":          groupsScenario,
}

type env struct {
	bootstrap []string
	prefix    string
	client    *kgo.Client
}

func (e *env) topic(name string) string { return e.prefix + "-" + name }

func (e *env) newClient(opts ...kgo.Opt) (*kgo.Client, error) {
	base := []kgo.Opt{
		kgo.SeedBrokers(e.bootstrap...),
		kgo.MaxVersions(pinnedVersions()),
		kgo.MinVersions(pinnedVersions()),
		kgo.RequestRetries(20),
		kgo.RetryTimeout(60 * time.Second),
	}
	return kgo.NewClient(append(base, opts...)...)
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: franz-conformance <scenario> <bootstrap> <prefix>")
		os.Exit(2)
	}
	run, ok := scenarios[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown scenario %q\n", os.Args[1])
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	e := &env{bootstrap: strings.Split(os.Args[2], ","), prefix: os.Args[3]}
	client, err := e.newClient()
	if err != nil {
		fail(err)
	}
	e.client = client
	defer client.Close()
	out, err := run(ctx, e)
	if err != nil {
		fail(err)
	}
	encoded, err := json.Marshal(out)
	if err != nil {
		fail(err)
	}
	fmt.Println(string(encoded))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "franz-conformance %s: %v\n", os.Args[1], err)
	os.Exit(1)
}
