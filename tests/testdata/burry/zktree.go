// zktree: creates a test tree (mode "make ROOT", holding an ephemeral until stdin closes)
// or prints a tree as "path hex(data)" lines relative to ROOT (mode "dump ROOT").
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/samuel/go-zookeeper/zk"
)

func must(err error) {
	if err != nil && err != zk.ErrNodeExists {
		panic(err)
	}
}

func dump(c *zk.Conn, root, p string, out *[]string) {
	data, _, err := c.Get(p)
	must(err)
	rel := strings.TrimPrefix(p, root)
	if rel == "" {
		rel = "/"
	}
	*out = append(*out, rel+" "+hex.EncodeToString(data))
	kids, _, err := c.Children(p)
	must(err)
	for _, k := range kids {
		dump(c, root, p+"/"+k, out)
	}
}

func main() {
	c, _, err := zk.Connect([]string{os.Args[1]}, 10*time.Second)
	must(err)
	root := os.Args[3]
	acl := zk.WorldACL(zk.PermAll)
	if os.Args[2] == "make" {
		nodes := []struct{ p, d string }{
			{"", "root of the test"}, {"/bin", "\x00\x01\xfe\xff\n"}, {"/empty", ""},
			{"/host:9092", "colon"}, {"/caf\u00e9", "unicode \u20ac"}, {"/caf\u00e9/\u65e5\u672c", "deeper"},
			{"/brokers", ""}, {"/brokers/ids", ""}, {"/brokers/topics", ""},
			{"/brokers/topics/orders", `{"version":2,"partitions":{"0":[1]}}`}, {"/controller_epoch", "3"},
		}
		for _, n := range nodes {
			_, err := c.Create(root+n.p, []byte(n.d), 0, acl)
			must(err)
		}
		_, err := c.Create(root+"/brokers/ids/1", []byte(`{"host":"k1","port":9092}`), zk.FlagEphemeral, acl)
		must(err)
		_, err = c.Create(root+"/controller", []byte(`{"brokerid":1}`), zk.FlagEphemeral, acl)
		must(err)
		fmt.Println("ready")
		bufio.NewReader(os.Stdin).ReadString('\n')
		return
	}
	var out []string
	dump(c, root, root, &out)
	sort.Strings(out)
	for _, l := range out {
		fmt.Println(l)
	}
}
