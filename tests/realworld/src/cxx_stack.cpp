// lvm real-world test module (clang, C++20): a template-heavy debug build
// using libc++ (iostream, containers, <regex>, <algorithm>, <chrono>) and
// the header-only libraries Debian ships: nlohmann-json3-dev, libfmt-dev
// (header-only mode), libeigen3-dev, libglm-dev, rapidjson-dev,
// libtomlplusplus-dev, libxxhash-dev.  Built -g -O0 -fno-exceptions for
// wasm32-wasi; the DWARF of all the instantiations is what makes it big.
#define JSON_NOEXCEPTION 1
#define JSON_HAS_FILESYSTEM 0
#define JSON_HAS_EXPERIMENTAL_FILESYSTEM 0
#define TOML_EXCEPTIONS 0
#define FMT_HEADER_ONLY 1
#define XXH_INLINE_ALL 1
#define EIGEN_DONT_PARALLELIZE 1

#include <algorithm>
#include <array>
#include <chrono>
#include <complex>
#include <deque>
#include <functional>
#include <iomanip>
#include <iostream>
#include <list>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fmt/chrono.h>
#include <Eigen/Dense>
#include <glm/glm.hpp>
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtc/quaternion.hpp>
#include <rapidjson/document.h>
#include <rapidjson/writer.h>
#include <rapidjson/stringbuffer.h>
#include <toml++/toml.h>
#include <xxhash.h>

namespace {

struct Employee {
    std::string name;
    int age;
    double salary;
    std::vector<std::string> skills;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Employee, name, age, salary, skills)

template <typename Scalar, int N>
Scalar eigen_work(unsigned seed) {
    using Mat = Eigen::Matrix<Scalar, N, N>;
    using Vec = Eigen::Matrix<Scalar, N, 1>;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> d(-1.0, 1.0);
    Mat a;
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) a(i, j) = Scalar(d(rng)) + (i == j ? Scalar(N) : Scalar(0));
    Vec b = Vec::Ones();
    Vec x = a.partialPivLu().solve(b);
    Vec y = a.householderQr().solve(b);
    Mat s = a * a.transpose();
    Eigen::LLT<Mat> llt(s);
    Vec z = llt.solve(b);
    Eigen::SelfAdjointEigenSolver<Mat> es(s);
    return (x - y).norm() + z.norm() + es.eigenvalues().sum() + a.determinant();
}

template <typename Scalar>
Scalar eigen_dynamic(int n) {
    using Mat = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
    Mat a = Mat::Random(n, n) + Mat::Identity(n, n) * Scalar(n);
    Eigen::JacobiSVD<Mat> svd(a, Eigen::ComputeThinU | Eigen::ComputeThinV);
    Eigen::ColPivHouseholderQR<Mat> qr(a);
    Eigen::FullPivLU<Mat> lu(a);
    return svd.singularValues().sum() + Scalar(qr.rank()) + Scalar(lu.rank());
}

template <typename T>
std::map<std::string, T> word_stats(const std::string &text) {
    std::map<std::string, T> out;
    std::regex word_re("[A-Za-z]+");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), word_re); it != std::sregex_iterator(); ++it)
        out[it->str()] += T(1);
    return out;
}

using Value = std::variant<int, double, std::string, std::vector<int>>;

std::string describe(const Value &v) {
    return std::visit([](auto &&x) -> std::string {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, std::vector<int>>) return fmt::format("vec{}", x);
        else return fmt::format("{}", x);
    }, v);
}

} // namespace

int main() {
    // nlohmann::json round trip with a user type.
    std::vector<Employee> staff{{"ada", 36, 1234.5, {"math", "engines"}},
                                {"grace", 45, 2345.25, {"cobol", "compilers", "navy"}}};
    nlohmann::json j = staff;
    j.push_back(nlohmann::json::parse(R"({"name":"linus","age":30,"salary":99.5,"skills":["c"]})"));
    auto back = j.get<std::vector<Employee>>();
    std::cout << "json: " << j.dump().size() << " bytes, " << back.size() << " employees, "
              << nlohmann::json::to_cbor(j).size() << " cbor bytes\n";

    // rapidjson
    rapidjson::Document doc;
    doc.Parse(j.dump().c_str());
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    doc.Accept(w);
    std::cout << "rapidjson: array=" << doc.IsArray() << " size=" << doc.Size() << " same=" << (sb.GetString() == j.dump()) << "\n";

    // toml++
    auto tbl = toml::parse("[server]\nhost = \"example\"\nports = [80, 443]\n[limits]\nmax = 1.5\n");
    if (tbl) {
        auto &t = tbl.table();
        std::cout << "toml: host=" << t["server"]["host"].value_or(std::string("?"))
                  << " ports=" << t["server"]["ports"].as_array()->size()
                  << " max=" << t["limits"]["max"].value_or(0.0) << "\n";
    }

    // fmt
    std::vector<std::pair<std::string, int>> pairs{{"a", 1}, {"b", 2}};
    std::cout << fmt::format("fmt: {} {:>8.3f} {:#x} {}\n", pairs, 3.14159, 255, std::chrono::seconds(42));

    // Eigen, many instantiations.
    double e = eigen_work<double, 2>(1) + eigen_work<double, 3>(2) + eigen_work<double, 4>(3) +
               eigen_work<double, 6>(4) + eigen_work<double, 8>(5) + eigen_work<float, 3>(6) +
               eigen_work<float, 4>(7) + eigen_work<float, 5>(8);
    e += eigen_dynamic<double>(10) + eigen_dynamic<float>(7);
    std::cout << "eigen: " << std::setprecision(6) << e << "\n";

    // glm
    glm::mat4 proj = glm::perspective(glm::radians(45.0f), 1.5f, 0.1f, 100.0f);
    glm::mat4 view = glm::lookAt(glm::vec3(0, 2, 5), glm::vec3(0), glm::vec3(0, 1, 0));
    glm::quat q = glm::angleAxis(glm::radians(30.0f), glm::vec3(0, 1, 0));
    glm::vec4 p = proj * view * glm::mat4_cast(q) * glm::vec4(1, 1, 1, 1);
    std::cout << "glm: " << p.x / p.w << " " << p.y / p.w << "\n";

    // regex + containers + algorithms
    std::string text = "the quick brown fox jumps over the lazy dog the end";
    auto ws = word_stats<int>(text);
    auto wd = word_stats<double>(text);
    std::unordered_map<std::string, std::size_t> lens;
    for (auto &[k, v] : ws) lens[k] = k.size() * static_cast<std::size_t>(v);
    std::set<std::size_t> uniq;
    for (auto &[k, v] : lens) uniq.insert(v);
    std::deque<int> dq(uniq.begin(), uniq.end());
    std::list<int> li(dq.rbegin(), dq.rend());
    std::vector<int> vi(li.begin(), li.end());
    std::sort(vi.begin(), vi.end(), std::greater<>());
    std::cout << "words: " << ws.size() << " the=" << ws["the"] << " dbl=" << wd["the"]
              << " sum=" << std::accumulate(vi.begin(), vi.end(), 0) << "\n";

    // variant / optional / complex / xxhash
    std::vector<Value> vals{1, 2.5, std::string("s"), std::vector<int>{1, 2, 3}};
    std::string all;
    for (auto &v : vals) all += describe(v) + ";";
    std::optional<std::complex<double>> c = std::complex<double>(1, 2) * std::complex<double>(3, -1);
    std::cout << "variant: " << all << " complex: " << c->real() << "," << c->imag()
              << " xxh64: " << std::hex << XXH64(all.data(), all.size(), 0) << std::dec << "\n";
    return 0;
}
