package testkit

import (
	"fmt"
	"time"
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// IDCheck returns the GB 11643 check character of the first 17 digits of an ID number. It
// is written apart from sitepro/domain's, so that a test does not check the rule against
// itself.
func IDCheck(first17 string) byte {
	sum := 0
	for i, w := range idWeights {
		sum += int(first17[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}

// IDNumber returns a valid 18-digit ID number of a person from the 6-digit area (such as
// 410105, Zhengzhou) born on birth, with sequence number seq (0–999; odd = male): what
// tests register with when they need many distinct, valid people.
func IDNumber(area string, birth time.Time, seq int) string {
	s := area + birth.Format("20060102") + fmt.Sprintf("%03d", seq%1000)
	return s + string(IDCheck(s))
}
