package io.runlake.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading the charts RunLake writes as SVG in tests: their texts, elements and attributes by class. */
public final class SvgText {
    private SvgText() {}

    /** The texts of the SVG's {@code <text class="cls">} elements, in order, unescaped. */
    public static List<String> texts(String svg, String cls) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<text class=\"" + cls + "\"[^>]*>([^<]*)</text>")
                .matcher(svg);
        while (m.find()) {
            out.add(m.group(1)
                    .replace("&#39;", "'")
                    .replace("&quot;", "\"")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&"));
        }
        return out;
    }

    /** The opening tags of the {@code <element class="cls">} elements, in order. */
    public static List<String> tags(String svg, String element, String cls) {
        List<String> out = new ArrayList<>();
        Matcher m =
                Pattern.compile("<" + element + " class=\"" + cls + "\"[^>]*>").matcher(svg);
        while (m.find()) out.add(m.group());
        return out;
    }

    /** The value of attribute {@code name} in an opening tag, or null. */
    public static String attribute(String tag, String name) {
        Matcher m = Pattern.compile(" " + name + "=\"([^\"]*)\"").matcher(tag);
        return m.find() ? m.group(1) : null;
    }

    public static int count(String s, String what) {
        return s.split(Pattern.quote(what), -1).length - 1;
    }
}
