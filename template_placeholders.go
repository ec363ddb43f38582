package wabsp

import (
	"fmt"
	"strconv"
	"strings"
)

// checkPlaceholders checks the placeholders of one text against the
// template's parameter format and their samples: positional ones numbered 1..n
// without gaps, named and positional not mixed, a sample for every
// placeholder and none without one. It returns how many distinct
// placeholders the text has.
func checkPlaceholders(v *validator, textPath, text string, named bool,
	positional []string, positionalPath string, namedSamples []NamedParam, namedPath string,
) int {
	numbers := map[int]bool{}
	names := map[string]bool{}
	var order []string
	for _, m := range placeholderPattern.FindAllStringSubmatch(text, -1) {
		inner := strings.TrimSpace(m[1])
		switch {
		case isDigits(inner):
			n, err := strconv.Atoi(inner)
			if err != nil || n < 1 {
				v.addf(textPath, "positional placeholders are numbered from {{1}}, got %s", m[0])
				continue
			}
			numbers[n] = true
		case namedParamPattern.MatchString(inner):
			if !names[inner] {
				order = append(order, inner)
			}
			names[inner] = true
		default:
			v.addf(textPath, "%s is not a valid placeholder: use {{1}} or {{lower_case_name}}", truncate(m[0], 40))
		}
	}
	switch {
	case len(numbers) > 0 && len(names) > 0:
		v.addf(textPath, "mixes named and positional placeholders")
	case len(numbers) > 0 && named:
		v.addf(textPath, "uses positional placeholders but parameter_format is named")
	case len(names) > 0 && !named:
		v.addf(textPath, "uses named placeholders such as {{%s}}: set parameter_format to named", order[0])
	}

	// Positional: {{1}}..{{n}} without a gap, and exactly n samples. The
	// samples go by number (the k-th is for {{k}}), so a gap is reported by
	// itself and the samples are counted against the placeholders the text
	// really has.
	n := 0
	for k := range numbers {
		n = max(n, k)
	}
	var used, missing []string
	for k := 1; k <= n; k++ {
		if numbers[k] {
			used = append(used, fmt.Sprintf("{{%d}}", k))
		} else {
			missing = append(missing, fmt.Sprintf("{{%d}}", k))
		}
	}
	if len(missing) > 0 {
		verb := "is"
		if len(missing) > 1 {
			verb = "are"
		}
		v.addf(textPath, "has %d positional placeholder(s) (%s) with a gap: %s %s missing; number them {{1}} to {{%d}}",
			len(used), strings.Join(used, ", "), strings.Join(missing, ", "), verb, len(used))
	}
	if positional != nil || n > 0 {
		for k, s := range positional {
			if k >= n {
				v.addf(fmt.Sprintf("%s[%d]", positionalPath, k), "sample value %q has no placeholder", truncate(s, 32))
				continue
			}
			if strings.TrimSpace(s) == "" {
				v.addf(fmt.Sprintf("%s[%d]", positionalPath, k), "sample value for {{%d}} is empty", k+1)
			}
		}
		if len(positional) < len(numbers) {
			v.addf(positionalPath, "has %d sample value(s) for %d placeholder(s): every placeholder needs one", len(positional), len(numbers))
		}
	}

	// Named: one sample per name, no sample without its placeholder.
	sampled := map[string]bool{}
	for k, s := range namedSamples {
		sp := fmt.Sprintf("%s[%d]", namedPath, k)
		switch {
		case !names[s.ParamName]:
			v.addf(sp+".param_name", "sample for {{%s}} has no placeholder", truncate(s.ParamName, 32))
		case sampled[s.ParamName]:
			v.addf(sp+".param_name", "{{%s}} has more than one sample", s.ParamName)
		}
		sampled[s.ParamName] = true
		if strings.TrimSpace(s.Example) == "" {
			v.addf(sp+".example", "is empty")
		}
	}
	for _, name := range order {
		if !sampled[name] {
			v.addf(namedPath, "{{%s}} has no sample value", name)
		}
	}
	return len(numbers) + len(names)
}
